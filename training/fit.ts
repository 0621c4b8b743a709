import type * as tfType from '@tensorflow/tfjs';
import type { Augmentation, DescriptionEncoder } from '../models/encoder';
import type { EpochRecord, StoppedBy } from '../models/manifest';
import type { TrainingHyperParams } from '../models/variants';
import { silentProgress, type TrainingProgress } from './progress';
import { seededRandom, shuffleInPlace } from './rng';

type Tf = typeof tfType;

export interface EncodedExamples {
  texts: readonly string[];
  /** Class index of each text in the label list. */
  labels: Int32Array;
}

export interface FitResult {
  history: EpochRecord[];
  bestEpoch: number;
  stoppedBy: Exclude<StoppedBy, 'external'>;
  seconds: number;
}

const EVAL_BATCH = 512;

function encodeBatch(
  encoder: DescriptionEncoder,
  texts: readonly string[],
  indices: ArrayLike<number>,
  augment?: Augmentation,
): Int32Array {
  const length = encoder.config.maxLength;
  const out = new Int32Array(indices.length * length);
  for (let i = 0; i < indices.length; i++) {
    out.set(encoder.encode(texts[indices[i] as number] as string, augment).ids, i * length);
  }
  return out;
}

/** Mean loss and accuracy of the model on a fixed set, in batches, without augmentation. */
export function scoreExamples(
  tf: Tf,
  model: tfType.LayersModel,
  encoder: DescriptionEncoder,
  data: EncodedExamples,
): { loss: number; acc: number } {
  const length = encoder.config.maxLength;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < data.texts.length; start += EVAL_BATCH) {
    const end = Math.min(start + EVAL_BATCH, data.texts.length);
    const indices = Array.from({ length: end - start }, (_, i) => start + i);
    const x = tf.tensor2d(encodeBatch(encoder, data.texts, indices), [indices.length, length], 'int32');
    const probsTensor = model.predict(x) as tfType.Tensor2D;
    // Scored in JS: the wasm backend's batched Gather reads out of bounds, and a few thousand
    // rows of probabilities are cheap to walk.
    const probs = probsTensor.dataSync();
    tf.dispose([x, probsTensor]);
    const classes = probs.length / indices.length;
    let loss = 0;
    let hits = 0;
    for (let row = 0; row < indices.length; row++) {
      const offset = row * classes;
      const label = data.labels[start + row] as number;
      loss -= Math.log((probs[offset + label] as number) + 1e-7);
      let best = 0;
      for (let c = 1; c < classes; c++)
        if ((probs[offset + c] as number) > (probs[offset + best] as number)) best = c;
      if (best === label) hits++;
    }
    lossSum += loss;
    correct += hits;
  }
  const n = Math.max(1, data.texts.length);
  return { loss: lossSum / n, acc: correct / n };
}

/**
 * Mini-batch training with a seeded shuffle and seeded word dropout and early stopping on
 * validation accuracy (the best epoch's weights are restored): the amount of work depends only
 * on data and seed. An explicit wall-clock budget (`timeBudgetSeconds` > 0) is checked between
 * epochs; when it stops a run, `stoppedBy` says so, since another machine would train longer.
 */
export async function fit(
  tf: Tf,
  model: tfType.LayersModel,
  encoder: DescriptionEncoder,
  train: EncodedExamples,
  validation: EncodedExamples,
  params: TrainingHyperParams,
  seed: number,
  progress: TrainingProgress = silentProgress,
  /** Milliseconds since some origin; only the time budget and the reported seconds read it. */
  now: () => number = Date.now,
): Promise<FitResult> {
  model.compile({
    optimizer: tf.train.adam(params.learningRate),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const random = seededRandom(seed);
  const order = Int32Array.from({ length: train.texts.length }, (_, i) => i);
  const batches = Math.ceil(order.length / params.batchSize);
  const length = encoder.config.maxLength;
  const started = now();
  const history: EpochRecord[] = [];
  let best = { acc: -1, epoch: 0, weights: [] as tfType.Tensor[] };
  let stoppedBy: FitResult['stoppedBy'] = 'epochs';

  for (let epoch = 1; epoch <= params.epochs; epoch++) {
    const elapsed = (now() - started) / 1000;
    const perEpoch = history.length ? elapsed / history.length : 0;
    if (params.timeBudgetSeconds > 0 && history.length && elapsed + perEpoch > params.timeBudgetSeconds) {
      stoppedBy = 'time-budget';
      break;
    }
    const epochStarted = now();
    progress.epochStart(epoch, params.epochs, batches);
    shuffleInPlace(order, random);
    let lossSum = 0;
    let accSum = 0;
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(
        b * params.batchSize,
        Math.min((b + 1) * params.batchSize, order.length),
      );
      const xData = encodeBatch(encoder, train.texts, indices, {
        rate: params.wordDropout,
        shortPhraseRate: params.shortPhraseRate,
        random,
      });
      const yData = Int32Array.from(indices, (i) => train.labels[i] as number);
      const x = tf.tensor2d(xData, [indices.length, length], 'int32');
      const y = tf.tensor1d(yData, 'float32');
      const [loss, acc] = (await model.trainOnBatch(x, y)) as number[];
      x.dispose();
      y.dispose();
      lossSum += loss as number;
      accSum += acc as number;
      progress.batch(b + 1, { loss: lossSum / (b + 1), acc: accSum / (b + 1) });
    }
    const val = scoreExamples(tf, model, encoder, validation);
    const record: EpochRecord = {
      epoch,
      loss: lossSum / batches,
      acc: accSum / batches,
      valLoss: val.loss,
      valAcc: val.acc,
      seconds: (now() - epochStarted) / 1000,
    };
    history.push(record);
    progress.epochEnd(record);
    // Without a validation set (tiny custom data) training accuracy is the only signal left.
    const monitored = validation.texts.length ? val.acc : record.acc;
    if (monitored > best.acc) {
      best.weights.forEach((w) => w.dispose());
      best = { acc: monitored, epoch, weights: model.getWeights().map((w) => w.clone()) };
    } else if (epoch - best.epoch >= params.patience) {
      stoppedBy = 'early-stopping';
      break;
    }
  }
  model.setWeights(best.weights);
  best.weights.forEach((w) => w.dispose());
  progress.done();
  return { history, bestEpoch: best.epoch, stoppedBy, seconds: (now() - started) / 1000 };
}
