/**
 * One training step of a catalogue variant at full size, the way `fit` runs it (the batch cut into
 * shards, gradients on worker threads, Adam on the flat weight vector), on 1..N threads and with
 * several shard counts, beside tfjs's own `trainOnBatch` in the same session. Prints the median
 * step, the speed-up over trainOnBatch and the sha256 of the weights after the timed steps, which
 * must be the same for every thread count at a given shard count.
 *
 *   npx tsx bench/train-threads.ts [--variant textcnn] [--threads 1,2] [--shards 2,4]
 *     [--steps 12] [--batch 128] [--input-dim 24400] [--classes 5612] [--bottleneck N (textcnn; 0: none)]
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { getVariant } from '../models/variants';
import { shardsOf } from '../training/fit';
import { buildModel } from '../training/model/build';
import { startGradientPool } from '../training/parallel/gradient-pool';
import { seededRandom } from '../training/rng';
import { loadTensorflow } from '../training/tf/load';

const { values: args } = parseArgs({
  options: {
    variant: { type: 'string', default: 'textcnn' },
    threads: { type: 'string', default: '1,2' },
    shards: { type: 'string', default: '2,4' },
    steps: { type: 'string', default: '12' },
    batch: { type: 'string', default: '128' },
    'input-dim': { type: 'string', default: '24400' },
    classes: { type: 'string', default: '5612' },
    bottleneck: { type: 'string' },
  },
});
const list = (s: string) => s.split(',').map(Number);
const WARM_UP = 2;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const { tf, backend } = await loadTensorflow({ prefer: 'wasm' });
  const catalogue = getVariant(args.variant);
  const variant =
    catalogue.name === 'textcnn' && args.bottleneck !== undefined
      ? { ...catalogue, bottleneckUnits: Number(args.bottleneck) || undefined }
      : catalogue;
  const batchSize = Number(args.batch);
  const steps = Number(args.steps);
  const shape = {
    inputDim: Number(args['input-dim']),
    sequenceLength: variant.encoder.maxLength,
    numClasses: Number(args.classes),
  };
  const random = seededRandom(7);
  const batches = Array.from({ length: steps + WARM_UP }, () => ({
    x: Int32Array.from({ length: batchSize * shape.sequenceLength }, () =>
      Math.floor(random() * shape.inputDim),
    ),
    y: Int32Array.from({ length: batchSize }, () => Math.floor(random() * shape.numClasses)),
  }));
  console.log(
    `# ${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model} · ${backend}`,
  );
  console.log(
    `# ${variant.name}, batch ${batchSize}, input ${shape.inputDim}, ${shape.numClasses} classes\n`,
  );

  // The baseline: tfjs's compiled loss and optimiser, one thread.
  const reference = buildModel(tf, variant, shape, 1);
  reference.compile({
    optimizer: tf.train.adam(variant.training.learningRate),
    loss: 'sparseCategoricalCrossentropy',
  });
  const baseline: number[] = [];
  for (const [i, b] of batches.entries()) {
    const x = tf.tensor2d(b.x, [batchSize, shape.sequenceLength], 'int32');
    const y = tf.tensor1d(Float32Array.from(b.y));
    const started = performance.now();
    await reference.trainOnBatch(x, y);
    if (i >= WARM_UP) baseline.push(performance.now() - started);
    tf.dispose([x, y]);
  }
  reference.dispose();
  const base = median(baseline);
  console.log('| step | threads | shards | median ms | vs trainOnBatch | weights sha256 |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| trainOnBatch | 1 | – | ${base.toFixed(1)} | 1.00× | – |`);

  for (const shards of list(args.shards)) {
    for (const threads of list(args.threads)) {
      const model = buildModel(tf, variant, shape, 1);
      const { pool } = await startGradientPool(tf, model, threads, shards, {
        variant,
        shape,
        backend: 'wasm',
      });
      const times: number[] = [];
      for (const [i, b] of batches.entries()) {
        const started = performance.now();
        const cut = shardsOf(b, shards, shape.sequenceLength);
        await pool.trainStep(cut, batchSize, i + 1, variant.training.learningRate);
        if (i >= WARM_UP) times.push(performance.now() - started);
      }
      const sha = createHash('sha256').update(pool.state.weights).digest('hex').slice(0, 12);
      await pool.close();
      model.dispose();
      const ms = median(times);
      console.log(
        `| sharded | ${pool.threads} | ${shards} | ${ms.toFixed(1)} | ${(base / ms).toFixed(2)}× | ${sha}… |`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
