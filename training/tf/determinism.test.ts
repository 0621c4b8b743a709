import { VARIANTS, type BiGruVariant, type TextCnnVariant, type Variant } from '../../models/variants';
import { buildModel } from '../model/build';
import { loadTensorflow } from './load';

const SHAPE = { inputDim: 60, sequenceLength: 10, numClasses: 9 };

async function trainedWeights(variant: Variant): Promise<Buffer[]> {
  const { tf } = await loadTensorflow({ prefer: 'wasm' });
  const model = buildModel(tf, variant, SHAPE, 11);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
  for (let batch = 0; batch < 4; batch++) {
    const ids = Int32Array.from(
      { length: 8 * SHAPE.sequenceLength },
      (_, i) => (i * 31 + batch * 7) % SHAPE.inputDim,
    );
    const labels = Float32Array.from({ length: 8 }, (_, i) => (i + batch) % SHAPE.numClasses);
    const x = tf.tensor2d(ids, [8, SHAPE.sequenceLength], 'int32');
    const y = tf.tensor1d(labels);
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
  }
  const weights = model.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer.slice(0)));
  model.dispose();
  return weights;
}

describe('training on wasm', () => {
  it.each([
    ['textcnn', { ...(VARIANTS.textcnn as TextCnnVariant), embeddingDim: 8, filtersPerKernel: 6 }],
    ['bigru', { ...(VARIANTS.bigru as BiGruVariant), embeddingDim: 8, units: 5 }],
  ] as [string, Variant][])('%s: two identical runs give bit-identical weights', async (_name, variant) => {
    const first = await trainedWeights(variant);
    const second = await trainedWeights(variant);
    expect(second).toHaveLength(first.length);
    second.forEach((w, i) => expect(w.equals(first[i] as Buffer)).toBe(true));
    // Training moved the weights: a fresh model's differ.
    const { tf } = await loadTensorflow({ prefer: 'wasm' });
    const untrained = buildModel(tf, variant, SHAPE, 11);
    const initial = Buffer.from((untrained.getWeights()[0]?.dataSync() as Float32Array).buffer.slice(0));
    expect(initial.equals(first[0] as Buffer)).toBe(false);
    untrained.dispose();
  });
});
