import type * as tfType from '@tensorflow/tfjs';

/** Where one trainable variable lives in the flat parameter vector. */
export interface WeightSlot {
  offset: number;
  length: number;
  shape: number[];
}

/**
 * The model's trainable variables laid end to end in one Float32Array, so weights, gradients and
 * optimiser moments travel between threads as single buffers and the update is one loop.
 */
export interface WeightLayout {
  slots: WeightSlot[];
  size: number;
}

export function weightLayoutOf(model: tfType.LayersModel): WeightLayout {
  if (model.nonTrainableWeights.length)
    throw new Error('data-parallel training expects every weight of the model to be trainable');
  let offset = 0;
  const slots = model.trainableWeights.map((w) => {
    const shape = [...w.shape] as number[];
    const length = shape.reduce((a, b) => a * b, 1);
    const slot = { offset, length, shape };
    offset += length;
    return slot;
  });
  return { slots, size: offset };
}

/** The variables behind a model's trainable weights, in layout order. */
export function trainableVariables(model: tfType.LayersModel): tfType.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tfType.Variable);
}

/** Copies the model's current weights into a flat vector (e.g. the seeded initial weights). */
export function readWeights(model: tfType.LayersModel, layout: WeightLayout, into: Float32Array): void {
  trainableVariables(model).forEach((variable, i) => {
    into.set(variable.dataSync() as Float32Array, (layout.slots[i] as WeightSlot).offset);
  });
}

/** Sets the model's weights from a flat vector. */
export function writeWeights(
  tf: typeof tfType,
  model: tfType.LayersModel,
  layout: WeightLayout,
  from: Float32Array,
): void {
  trainableVariables(model).forEach((variable, i) => {
    const slot = layout.slots[i] as WeightSlot;
    tf.tidy(() =>
      variable.assign(tf.tensor(from.subarray(slot.offset, slot.offset + slot.length), slot.shape)),
    );
  });
}
