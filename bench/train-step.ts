/**
 * Seconds per training epoch of each catalogue variant at realistic sizes, on the wasm backend
 * with our kernels and on the stock CPU backend.
 *
 *   npx tsx bench/train-step.ts [--variants textcnn,bigru,dnn] [--batch-sizes 64,256]
 *     [--batches 10] [--no-cpu] [--cpu-full [--cpu-batches 1]] [--embedding-dim N] [--filters N]
 *     [--kernel-sizes 2,3,4] [--units N] [--max-length N] [--input-dim 35000] [--classes 5600]
 *
 * Each measurement is one trainOnBatch (Adam, sparse categorical cross-entropy, as training
 * runs it) after two warm-up batches; an epoch is the median batch time × batches per epoch.
 * Validation passes and text encoding are not included.
 *
 * The stock CPU backend needs a quarter of an hour for one batch, nearly all of it in the
 * embedding gradient (UnsortedSegmentSum loops over every vocabulary row, at the same cost per
 * row). So it trains one batch with a small vocabulary, times that kernel on a slice of rows at
 * the real size, and adds the missing rows' share (marked ≈); --cpu-full times real batches.
 */
import { cpus, availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import type * as tfType from '@tensorflow/tfjs';
import { VARIANTS, isVariantName, type Variant, type VariantName } from '../models/variants';
import { buildModel, type ModelShape } from '../training/model/build';
import { loadTensorflow, type Tf } from '../training/tf/load';

const EPOCH_ROWS = [20_000, 45_000];
/** Vocabulary of the stock-CPU probe batch, and vocabulary rows timed to extrapolate the rest. */
const CPU_PROBE_VOCABULARY = 1000;
const CPU_PROBE_SEGMENTS = 200;

const { values: args } = parseArgs({
  options: {
    variants: { type: 'string', default: 'textcnn,bigru,dnn' },
    'batch-sizes': { type: 'string', default: '64,256' },
    batches: { type: 'string', default: '10' },
    'cpu-batches': { type: 'string', default: '1' },
    'no-cpu': { type: 'boolean', default: false },
    'cpu-full': { type: 'boolean', default: false },
    'embedding-dim': { type: 'string' },
    filters: { type: 'string' },
    'kernel-sizes': { type: 'string' },
    units: { type: 'string' },
    'max-length': { type: 'string' },
    'input-dim': { type: 'string', default: '35000' },
    classes: { type: 'string', default: '5600' },
  },
});

const numbers = (list: string) => list.split(',').map((s) => Number(s.trim()));
const optional = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/** The catalogue entry with the hyper-parameters given on the command line. */
function variantUnderTest(name: VariantName): Variant {
  const base = VARIANTS[name];
  const embeddingDim = optional(args['embedding-dim']) ?? base.embeddingDim;
  switch (base.name) {
    case 'textcnn':
      return {
        ...base,
        embeddingDim,
        filtersPerKernel: optional(args.filters) ?? base.filtersPerKernel,
        kernelSizes: args['kernel-sizes'] ? numbers(args['kernel-sizes']) : base.kernelSizes,
      };
    case 'bigru':
      return { ...base, embeddingDim, units: optional(args.units) ?? base.units };
    case 'dnn':
      return { ...base, embeddingDim };
  }
}

function describeVariant(v: Variant, shape: ModelShape): string {
  const detail =
    v.name === 'textcnn'
      ? `k=${v.kernelSizes.join('/')} f=${v.filtersPerKernel}`
      : v.name === 'bigru'
        ? `units=${v.units}`
        : `hidden=${v.hiddenUnits.join('/')}`;
  return `${v.name} emb=${v.embeddingDim} len=${shape.sequenceLength} ${detail}`;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A fixed pseudo-random batch, so every backend and run sees the same data. */
function makeBatch(tf: Tf, shape: ModelShape, batchSize: number, index: number) {
  let state = (index + 1) * 2654435761;
  const next = (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const ids = Int32Array.from(
    { length: batchSize * shape.sequenceLength },
    () => 1 + next(shape.inputDim - 1),
  );
  const labels = Float32Array.from({ length: batchSize }, () => next(shape.numClasses));
  return {
    x: tf.tensor2d(ids, [batchSize, shape.sequenceLength], 'int32'),
    y: tf.tensor1d(labels),
  };
}

async function secondsPerBatch(
  tf: Tf,
  variant: Variant,
  shape: ModelShape,
  batchSize: number,
  warmUp: number,
  timed: number,
): Promise<{ median: number; params: number }> {
  const model: tfType.LayersModel = buildModel(tf, variant, shape, 1);
  model.compile({
    optimizer: tf.train.adam(variant.training.learningRate),
    loss: 'sparseCategoricalCrossentropy',
  });
  const times: number[] = [];
  for (let b = 0; b < warmUp + timed; b++) {
    const { x, y } = makeBatch(tf, shape, batchSize, b);
    const started = performance.now();
    await model.trainOnBatch(x, y);
    if (b >= warmUp) times.push((performance.now() - started) / 1000);
    tf.dispose([x, y]);
  }
  const params = model.countParams();
  model.dispose();
  return { median: median(times), params };
}

/** Stock UnsortedSegmentSum seconds per vocabulary row, for the embedding gradient of one batch. */
function segmentSumSecondsPerRow(tf: Tf, variant: Variant, shape: ModelShape, batchSize: number): number {
  return tf.tidy(() => {
    const rows = batchSize * shape.sequenceLength;
    const values = tf.randomUniform([rows, variant.embeddingDim], -1, 1, 'float32', 1);
    const ids = tf.randomUniform([rows], 0, CPU_PROBE_SEGMENTS, 'int32', 2) as tfType.Tensor1D;
    const started = performance.now();
    tf.unsortedSegmentSum(values, ids, CPU_PROBE_SEGMENTS).dataSync();
    return (performance.now() - started) / 1000 / CPU_PROBE_SEGMENTS;
  });
}

async function stockCpuSecondsPerBatch(
  tf: Tf,
  variant: Variant,
  shape: ModelShape,
  batchSize: number,
): Promise<{ median: number; params: number; extrapolated: boolean }> {
  if (args['cpu-full']) {
    return {
      ...(await secondsPerBatch(tf, variant, shape, batchSize, 0, Number(args['cpu-batches']))),
      extrapolated: false,
    };
  }
  const small = { ...shape, inputDim: CPU_PROBE_VOCABULARY };
  const probe = await secondsPerBatch(tf, variant, small, batchSize, 0, 1);
  const missingRows = shape.inputDim - small.inputDim;
  return {
    median: probe.median + missingRows * segmentSumSecondsPerRow(tf, variant, shape, batchSize),
    params: probe.params + missingRows * variant.embeddingDim,
    extrapolated: true,
  };
}

async function main(): Promise<void> {
  const names = args.variants.split(',').map((s) => s.trim());
  for (const name of names) if (!isVariantName(name)) throw new Error(`unknown variant ${name}`);
  const batchSizes = numbers(args['batch-sizes']);
  const batches = Number(args.batches);
  console.log(
    `machine: ${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`,
  );

  const table = new Table({
    style: { head: [], border: [] },
    head: [
      'model',
      'backend',
      'batch',
      'params',
      's/batch',
      ...EPOCH_ROWS.map((r) => `s/epoch ${r / 1000}k`),
    ],
  });
  const backends: ('wasm' | 'cpu')[] = args['no-cpu'] ? ['wasm'] : ['wasm', 'cpu'];
  for (const prefer of backends) {
    const { tf, backend } = await loadTensorflow({ prefer });
    for (const name of names as VariantName[]) {
      const variant = variantUnderTest(name);
      const shape: ModelShape = {
        inputDim: Number(args['input-dim']),
        sequenceLength: optional(args['max-length']) ?? variant.encoder.maxLength,
        numClasses: Number(args.classes),
      };
      for (const batchSize of prefer === 'cpu' ? batchSizes.slice(0, 1) : batchSizes) {
        const measured =
          prefer === 'cpu'
            ? await stockCpuSecondsPerBatch(tf, variant, shape, batchSize)
            : { ...(await secondsPerBatch(tf, variant, shape, batchSize, 2, batches)), extrapolated: false };
        const perBatch = measured.median;
        const row = [
          describeVariant(variant, shape),
          backend,
          String(batchSize),
          `${(measured.params / 1e6).toFixed(2)}M`,
          `${measured.extrapolated ? '≈' : ''}${perBatch.toFixed(3)}`,
          ...EPOCH_ROWS.map((rows) => (perBatch * Math.ceil(rows / batchSize)).toFixed(0)),
        ];
        table.push(row);
        console.log(`… ${row.join('  ')}`);
      }
    }
  }
  console.log(table.toString());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
