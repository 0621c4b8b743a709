import type * as tfType from '@tensorflow/tfjs';
import type { Augmentation, DescriptionEncoder } from '../models/encoder';
import type { EpochRecord, StoppedBy } from '../models/manifest';
import type { TrainingHyperParams, Variant } from '../models/variants';
import type { ModelShape } from './model/build';
import { startGradientPool, trainingThreads, type GradientPool } from './parallel/gradient-pool';
import type { Shard } from './parallel/shard-step';
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
  /** Threads the gradients were computed on; the weights do not depend on it. */
  threads: number;
}

export interface FitOptions {
  tf: Tf;
  /** Trained in place: it ends with the best epoch's weights. */
  model: tfType.LayersModel;
  encoder: DescriptionEncoder;
  train: EncodedExamples;
  validation: EncodedExamples;
  params: TrainingHyperParams;
  seed: number;
  progress?: TrainingProgress;
  /** Milliseconds since some origin; only the time budget and the reported seconds read it. */
  now?: () => number;
  /** What worker threads need to build the same network; without it, one thread. */
  parallel?: { variant: Variant; shape: ModelShape; backend: 'wasm' | 'cpu'; threads?: number };
}

const EVAL_BATCH = 512;

function encodeRows(
  encoder: DescriptionEncoder,
  texts: readonly string[],
  labels: Int32Array,
  indices: ArrayLike<number>,
  augment?: Augmentation,
): Shard {
  const length = encoder.config.maxLength;
  const x = new Int32Array(indices.length * length);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i] as number;
    x.set(encoder.encode(texts[row] as string, augment).ids, i * length);
    y[i] = labels[row] as number;
  }
  return { x, y };
}

/** A batch cut into `count` contiguous shards; the cut depends only on the batch's size. */
export function shardsOf(batch: Shard, count: number, sequenceLength: number): Shard[] {
  const rows = batch.y.length;
  const shards: Shard[] = [];
  for (let s = 0; s < count; s++) {
    const [from, to] = [Math.floor((s * rows) / count), Math.floor(((s + 1) * rows) / count)];
    if (to > from)
      shards.push({
        x: batch.x.subarray(from * sequenceLength, to * sequenceLength),
        y: batch.y.subarray(from, to),
      });
  }
  return shards;
}

/** Mean loss and accuracy at `weights` on a fixed set, in chunks added in order, without augmentation. */
async function scoreAt(
  pool: GradientPool,
  encoder: DescriptionEncoder,
  data: EncodedExamples,
): Promise<{ loss: number; acc: number }> {
  const chunks: Shard[] = [];
  for (let start = 0; start < data.texts.length; start += EVAL_BATCH) {
    const end = Math.min(start + EVAL_BATCH, data.texts.length);
    chunks.push(
      encodeRows(
        encoder,
        data.texts,
        data.labels,
        Array.from({ length: end - start }, (_, i) => start + i),
      ),
    );
  }
  let lossSum = 0;
  let hits = 0;
  for (const score of await pool.score(chunks)) {
    lossSum += score.lossSum;
    hits += score.hits;
  }
  const n = Math.max(1, data.texts.length);
  return { loss: lossSum / n, acc: hits / n };
}

/**
 * Mini-batch training with a seeded shuffle, seeded word dropout and early stopping on validation
 * accuracy (the best epoch's weights are restored): the amount of work depends only on data and
 * seed. Each batch is cut into a fixed number of shards whose gradients are computed on as many
 * threads as there are cores and added in shard order, and Adam updates each weight from its own
 * element alone: the weights are the same bytes on one thread or many. An explicit wall-clock budget
 * (`timeBudgetSeconds` > 0) is checked between epochs; when it stops a run, `stoppedBy` says so,
 * since another machine would train longer.
 */
export async function fit(options: FitOptions): Promise<FitResult> {
  const { tf, model, encoder, train, validation, params, seed } = options;
  const progress = options.progress ?? silentProgress;
  const now = options.now ?? Date.now;
  const threads = trainingThreads(options.parallel?.threads, params.gradientShards);
  const { pool, local } = await startGradientPool(
    tf,
    model,
    options.parallel ? threads : 1,
    params.gradientShards,
    {
      variant: options.parallel?.variant as Variant,
      shape: options.parallel?.shape as ModelShape,
      backend: options.parallel?.backend ?? 'wasm',
    },
  );
  try {
    const { weights } = pool.state;
    let step = 0;
    const random = seededRandom(seed);
    const order = Int32Array.from({ length: train.texts.length }, (_, i) => i);
    const batches = Math.ceil(order.length / params.batchSize);
    const length = encoder.config.maxLength;
    const started = now();
    const history: EpochRecord[] = [];
    let best = { acc: -1, epoch: 0, weights: weights.slice() };
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
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        const indices = order.subarray(
          b * params.batchSize,
          Math.min((b + 1) * params.batchSize, order.length),
        );
        const batch = encodeRows(encoder, train.texts, train.labels, indices, {
          rate: params.wordDropout,
          shortPhraseRate: params.shortPhraseRate,
          random,
        });
        const shards = shardsOf(batch, params.gradientShards, length);
        const results = await pool.trainStep(shards, indices.length, ++step, params.learningRate);
        for (const r of results) {
          lossSum += r.loss;
          correct += r.correct;
        }
        progress.batch(b + 1, {
          loss: lossSum / (b + 1),
          acc: correct / Math.min((b + 1) * params.batchSize, order.length),
        });
      }
      const val = await scoreAt(pool, encoder, validation);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / batches,
        acc: correct / order.length,
        valLoss: val.loss,
        valAcc: val.acc,
        seconds: (now() - epochStarted) / 1000,
      };
      history.push(record);
      progress.epochEnd(record);
      // Without a validation set (tiny custom data) training accuracy is the only signal left.
      const monitored = validation.texts.length ? val.acc : record.acc;
      if (monitored > best.acc) {
        best = { acc: monitored, epoch, weights: weights.slice() };
      } else if (epoch - best.epoch >= params.patience) {
        stoppedBy = 'early-stopping';
        break;
      }
    }
    local.loadWeights(best.weights);
    progress.done();
    return {
      history,
      bestEpoch: best.epoch,
      stoppedBy,
      seconds: (now() - started) / 1000,
      threads: pool.threads,
    };
  } finally {
    await pool.close();
  }
}
