/**
 * In-process serving benchmark of the predict core: single-description latency (p50/p99 over
 * 2,000 calls, explain off and on) and batch throughput at 256 descriptions, on the catalogue's
 * full-size Text-CNN (default-corpus vocabulary, every HS 2022 subheading as a class). The weights
 * are seeded random: inference costs the same as for trained weights of the same shape.
 *
 *   npx tsx bench/predict-latency.ts [--model-home DIR [--variant V --version X]] [--texts-file FILE]
 *
 * With --model-home it measures that store's champion (or the model named). With
 * --baseline CHECKOUT [--rounds 5] it instead compares this build with that checkout (its
 * node_modules a symlink to this one's), alternating rounds in this one process: see
 * build-comparison.ts; --baseline-model-home gives the baseline its own store (the same weights
 * in a form it can run).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { openOnnxSession } from '../models/onnx-session';
import type { Tensor } from '@tensorflow/tfjs';
import { ARTIFACT_FILES } from '../models/artifact';
import { DescriptionEncoder } from '../models/encoder';
import { modelRefKey } from '../models/model-ref';
import { storeKeys } from '../models/store-layout';
import { LocalAuditSink } from '../runtime/core/local-audit-sink';
import { OnnxClassifier } from '../runtime/core/onnx-classifier';
import { PredictService } from '../runtime/core/predict-service';
import { LocalObjectStore } from '../runtime/store/local-store';
import { buildDefaultCorpus } from '../training/corpus';
import { benchModelRef, servingBenchModel } from './bench-model';
import { compareBuilds } from './build-comparison';
import { buildModel } from '../training/model/build';
import { loadTensorflow } from '../training/tf/load';
import { percentile } from './sample-stats';

const CALLS = 2000;
const BATCH = 256;

async function timed(calls: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 200; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await run(i);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

const summary = (times: number[]) =>
  `p50 ${percentile(times, 0.5).toFixed(3)} ms · p99 ${percentile(times, 0.99).toFixed(3)} ms`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  // --texts-file: one description per line (e.g. short trader phrases); default: corpus texts.
  const textsFile = flag('--texts-file');
  const corpus = buildDefaultCorpus().rows;
  const texts = textsFile
    ? readFileSync(textsFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim())
    : corpus.filter((_, i) => i % 7 === 0).map((r) => r.text);

  const {
    home,
    ref,
    trained: trainedModel,
  } = await servingBenchModel(
    flag,
    corpus.map((r) => r.text),
  );
  const baseline = flag('--baseline');
  if (baseline) {
    const rounds = Number(flag('--rounds') ?? 5);
    // A model whose graph the baseline cannot run (e.g. a newer ONNX contract) is compared with
    // the same weights as the baseline exported them: --baseline-model-home.
    const baselineHome = flag('--baseline-model-home');
    const baselineModel = baselineHome
      ? { home: baselineHome, ref: await benchModelRef(baselineHome, {}) }
      : { home, ref };
    await compareBuilds({ baseline, home, ref, baselineModel, texts, rounds, calls: CALLS / 2 });
    return;
  }
  const store = new LocalObjectStore(home);
  const classifier = await OnnxClassifier.load(store, ref);
  const { manifest } = classifier.info;
  console.log(
    `# ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · onnxruntime-node ${ort.env.versions.node}`,
  );
  console.log(
    `model ${modelRefKey(ref)}: ${(manifest.onnx.bytes / 1e6).toFixed(1)} MB ONNX, ` +
      `${manifest.labels.count} classes, vocabulary ${manifest.encoder.vocabularySize}, ` +
      `embedding rows ${manifest.encoder.inputDim}, sequence ${manifest.encoder.maxLength}, 1 intra-op thread`,
  );

  const audit = new LocalAuditSink(home);
  const service = new PredictService({
    store,
    audit,
    registry: () => ({ champion: ref, challengers: [], shadows: [] }),
  });
  await service.preload();
  const pick = (i: number) => texts[i % texts.length] as string;

  const length = manifest.encoder.maxLength;
  const session = await openOnnxSession(
    new Uint8Array(
      (await store.get(storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.onnx)))?.body ?? [],
    ),
    {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    },
  );
  const ids = new Int32Array(length).fill(1);
  const raw = await timed(CALLS, () => session.run({ token_ids: new ort.Tensor('int32', ids, [1, length]) }));
  console.log(`session.run alone, 1 row:            ${summary(raw)}`);
  const classify = await timed(CALLS, (i) => classifier.predict([pick(i)], { topK: 5, explain: false }));
  console.log(`classifier.predict, 1 description:   ${summary(classify)}`);
  const single = await timed(CALLS, (i) => service.predict({ descriptions: [pick(i)] }));
  console.log(`service.predict, 1 description:      ${summary(single)}`);
  const explained = await timed(CALLS / 4, (i) =>
    service.predict({ descriptions: [pick(i)], explain: true }),
  );
  console.log(`service.predict, explain on:         ${summary(explained)}`);

  const batches = 20;
  const batch = (i: number) => Array.from({ length: BATCH }, (_, j) => pick(i * BATCH + j));
  await service.predict({ descriptions: batch(0) });
  const started = performance.now();
  for (let i = 0; i < batches; i++) await service.predict({ descriptions: batch(i + 1) });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `service.predict, batch ${BATCH}:           ${((batches * BATCH) / seconds).toFixed(0)} descriptions/s`,
  );

  // The same model in TensorFlow.js (same builder, variant and seed as the fixture, hence the same
  // weights: checked below), predicting through the same encoder, in this same process. For a
  // trained model from --model-home only the shapes match, which is all the timing needs.
  const { tf, backend } = await loadTensorflow({ prefer: 'wasm' });
  const tfModel = buildModel(
    tf,
    manifest.hyperParameters,
    { inputDim: manifest.encoder.inputDim, sequenceLength: length, numClasses: manifest.labels.count },
    manifest.seed,
  );
  const encoder = new DescriptionEncoder(
    JSON.parse(
      Buffer.from(
        (await store.get(storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.encoder)))?.body ?? [],
      ).toString(),
    ),
  );
  const tfPredict = (batch: string[]) =>
    tf.tidy(() => {
      const ids = new Int32Array(batch.length * length);
      batch.forEach((text, i) => ids.set(encoder.encode(text).ids, i * length));
      return (tfModel.predict(tf.tensor2d(ids, [batch.length, length], 'int32')) as Tensor).dataSync();
    });
  const probe = pick(3);
  const ortProbs = (
    await session.run({ token_ids: new ort.Tensor('int32', encoder.encode(probe).ids, [1, length]) })
  ).probabilities?.data as Float32Array;
  const tfProbs = tfPredict([probe]);
  const maxDiff = ortProbs.reduce((m, p, i) => Math.max(m, Math.abs(p - (tfProbs[i] as number))), 0);
  console.log(
    trainedModel
      ? `tfjs (${backend}): same shapes as the trained model, seeded weights (timing only)`
      : `tfjs (${backend}) vs onnxruntime on the same input: max |Δp| = ${maxDiff.toExponential(1)}`,
  );
  const tfSingle = await timed(CALLS / 4, async (i) => tfPredict([pick(i)]));
  console.log(`tfjs model.predict, 1 description:   ${summary(tfSingle)}`);
  const tfStarted = performance.now();
  for (let i = 0; i < batches / 4; i++) tfPredict(batch(i + 1));
  const tfSeconds = (performance.now() - tfStarted) / 1000;
  const tfRate = ((batches / 4) * BATCH) / tfSeconds;
  console.log(`tfjs model.predict, batch ${BATCH}:     ${tfRate.toFixed(0)} descriptions/s`);
  console.log(
    `ratio tfjs / onnxruntime: ${(percentile(tfSingle, 0.5) / percentile(classify, 0.5)).toFixed(1)}× slower single p50, ` +
      `${((batches * BATCH) / seconds / tfRate).toFixed(1)}× lower batch throughput`,
  );
  tfModel.dispose();
  await service.close();
  await session.release();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
