import type * as tfType from '@tensorflow/tfjs';
import {
  VARIANTS,
  type BiGruVariant,
  type DnnVariant,
  type TextCnnVariant,
  type Variant,
} from '../../../models/variants';
import { buildModel, type ModelShape } from '../../model/build';
import { loadTensorflow, type Tf } from '../load';
import { maxAbsDiff, onWasmAndCpu } from './compare-backends';

beforeAll(() => loadTensorflow({ prefer: 'wasm' }));

const SMALL: Record<string, Variant> = {
  textcnn: {
    ...(VARIANTS.textcnn as TextCnnVariant),
    embeddingDim: 6,
    kernelSizes: [2, 3],
    filtersPerKernel: 5,
  },
  bigru: { ...(VARIANTS.bigru as BiGruVariant), embeddingDim: 6, units: 4 },
  dnn: { ...(VARIANTS.dnn as DnnVariant), embeddingDim: 6, hiddenUnits: [7] },
};
const SHAPE: ModelShape = { inputDim: 40, sequenceLength: 9, numClasses: 11 };
const BATCH = 6;

/** Cross-entropy of a fixed batch and its gradient for every trainable weight, in layer order. */
function lossAndGradients(tf: Tf, model: tfType.LayersModel): tfType.Tensor[] {
  const ids = Int32Array.from(
    { length: BATCH * SHAPE.sequenceLength },
    (_, i) => (i * 17 + 3) % SHAPE.inputDim,
  );
  const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 5) % SHAPE.numClasses);
  const x = tf.tensor2d(ids, [BATCH, SHAPE.sequenceLength], 'int32');
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), SHAPE.numClasses);
  const { value, grads } = tf.variableGrads(() => {
    const probs = model.apply(x, { training: true }) as tfType.Tensor2D;
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(probs)), 1))) as tfType.Scalar;
  });
  return [value, ...model.trainableWeights.map((w) => grads[w.name] as tfType.Tensor)];
}

describe('gradients of the catalogue models on wasm', () => {
  it.each(Object.keys(SMALL))('%s: loss and every weight gradient match the CPU backend', async (name) => {
    const { tf } = await loadTensorflow({ prefer: 'wasm' });
    const model = buildModel(tf, SMALL[name] as Variant, SHAPE, 3);
    const { wasm, cpu } = await onWasmAndCpu((t) => lossAndGradients(t, model));
    expect(wasm).toHaveLength(1 + model.trainableWeights.length);
    // The embedding gradient is non-zero exactly on the rows the batch used.
    expect(wasm[1]?.some((v) => v !== 0)).toBe(true);
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
    model.dispose();
  });
});
