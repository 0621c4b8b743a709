import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { VARIANTS, type TextCnnVariant } from '../../models/variants';
import { shardsOf } from '../fit';
import { buildModel } from '../model/build';
import { seededRandom } from '../rng';
import { loadTensorflow, type Tf } from '../tf/load';
import { startGradientPool, trainingThreads, workerEntry, WorkerPool } from './gradient-pool';
import { ShardModel } from './shard-step';

const variant: TextCnnVariant = {
  ...(VARIANTS.textcnn as TextCnnVariant),
  embeddingDim: 6,
  filtersPerKernel: 5,
  encoder: { ...VARIANTS.textcnn.encoder, maxLength: 8 },
};
const shape = { inputDim: 50, sequenceLength: 8, numClasses: 7 };

function seededBatch(rows: number, seed: number) {
  const random = seededRandom(seed);
  return {
    x: Int32Array.from({ length: rows * shape.sequenceLength }, () => Math.floor(random() * shape.inputDim)),
    y: Int32Array.from({ length: rows }, () => Math.floor(random() * shape.numClasses)),
  };
}

/** The gradient of the mean cross-entropy as tfjs's own loss computes it, flat. */
function referenceGradient(
  tf: Tf,
  model: tfType.LayersModel,
  batch: { x: Int32Array; y: Int32Array },
): Float32Array {
  const variables = model.trainableWeights.map((w) => w.read() as tfType.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const x = tf.tensor2d(batch.x, [batch.y.length, shape.sequenceLength], 'int32');
    const probabilities = model.apply(x) as tfType.Tensor2D;
    const targets = tf.oneHot(tf.tensor1d(batch.y, 'int32'), shape.numClasses);
    return tf.metrics.categoricalCrossentropy(targets, probabilities).mean() as tfType.Scalar;
  }, variables);
  const flat = Float32Array.from(variables.flatMap((v) => Array.from(grads[v.name]?.dataSync() ?? [])));
  tf.dispose([value, ...Object.values(grads)]);
  return flat;
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < actual.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  expect(worst).toBeLessThan(1e-4 * scale);
}

describe('sharded gradients', () => {
  let tf: Tf;
  beforeAll(async () => {
    ({ tf } = await loadTensorflow({ prefer: 'wasm' }));
  });

  it('match tfjs’s own cross-entropy gradient, and the shards add up to the whole batch', () => {
    const model = buildModel(tf, variant, shape, 5);
    const shardModel = new ShardModel(tf, model);
    const batch = seededBatch(12, 1);
    const whole = new Float32Array(shardModel.layout.size);
    shardModel.gradient(batch, 12, whole);
    expectClose(whole, referenceGradient(tf, model, batch));

    const [first, second] = shardsOf(batch, 2, shape.sequenceLength);
    const parts = [new Float32Array(whole.length), new Float32Array(whole.length)];
    const results = [first, second].map((shard, s) => shardModel.gradient(shard!, 12, parts[s]!));
    expectClose(
      parts[0]!.map((g, i) => g + parts[1]![i]!),
      whole,
    );
    expect(results.map((r) => r.loss).reduce((a, b) => a + b)).toBeCloseTo(
      shardModel.gradient(batch, 12, whole).loss,
      5,
    );
    model.dispose();
  });

  it('cuts a batch into shards that depend only on its size', () => {
    const batch = seededBatch(5, 2);
    const shards = shardsOf(batch, 2, shape.sequenceLength);
    expect(shards.map((s) => s.y.length)).toEqual([2, 3]);
    expect(shardsOf(seededBatch(1, 3), 2, shape.sequenceLength).map((s) => s.y.length)).toEqual([1]);
  });
});

describe('gradient pools', () => {
  let tf: Tf;
  beforeAll(async () => {
    ({ tf } = await loadTensorflow({ prefer: 'wasm' }));
  });

  /** Weights and validation scores after five steps of four shards on `threads` threads. */
  async function trainOn(threads: number) {
    const model = buildModel(tf, variant, shape, 9);
    const { pool } = await startGradientPool(tf, model, threads, 4, { variant, shape, backend: 'wasm' });
    try {
      for (let step = 1; step <= 5; step++) {
        const batch = seededBatch(10, 100 + step);
        await pool.trainStep(shardsOf(batch, 4, shape.sequenceLength), 10, step, 0.01);
      }
      const scores = await pool.score([seededBatch(6, 7), seededBatch(3, 8)]);
      return { threads: pool.threads, weights: Buffer.from(pool.state.weights.slice().buffer), scores };
    } finally {
      await pool.close();
      model.dispose();
    }
  }

  it('train to the same bytes and scores on one thread or on worker threads', async () => {
    const one = await trainOn(1);
    const [two, three] = [await trainOn(2), await trainOn(3)];
    expect([one.threads, two.threads, three.threads]).toEqual([1, 2, 3]);
    expect(two.weights.equals(one.weights)).toBe(true);
    expect(three.weights.equals(one.weights)).toBe(true);
    expect(two.scores).toEqual(one.scores);
  });

  it('report a thread that cannot build its network instead of hanging', async () => {
    const entry = await workerEntry();
    if (!entry) throw new Error('the worker script should be buildable from the sources');
    const unknown = { ...variant, name: 'transformer' } as unknown as TextCnnVariant;
    const started = WorkerPool.start(2, { variant: unknown, shape, backend: 'wasm' }, 10, 2, entry);
    await expect(started).rejects.toThrow('no network is defined for variant "transformer"');
    await started.then((pool) => pool.close()).catch(() => undefined);
  });

  it('reject a step a thread fails on, and keep answering the next one', async () => {
    const model = buildModel(tf, variant, shape, 9);
    const { pool } = await startGradientPool(tf, model, 2, 2, { variant, shape, backend: 'wasm' });
    try {
      const torn = { x: new Int32Array(5), y: new Int32Array(2) };
      await expect(pool.trainStep([torn, torn], 4, 1, 0.01)).rejects.toThrow(/training thread/);
      const batch = seededBatch(4, 1);
      await expect(pool.score([batch])).resolves.toHaveLength(1);
    } finally {
      await pool.close();
      model.dispose();
    }
  });

  it('build the worker script from the sources once, leaving no partial file behind', async () => {
    const [first, second] = await Promise.all([workerEntry(), workerEntry()]);
    expect(first?.file).toMatch(/gradient-worker\.js$/);
    expect(second).toBe(first);
    const folder = dirname(first!.file);
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('use one thread per core, never more threads than shards', () => {
    expect(trainingThreads(8, 2)).toBe(2);
    expect(trainingThreads(1, 4)).toBe(1);
    expect(trainingThreads(0, 4)).toBe(1);
    expect(trainingThreads(undefined, 1)).toBe(1);
  });
});
