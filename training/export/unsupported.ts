import type * as tf from '@tensorflow/tfjs';

/** A model the exporter cannot translate faithfully; the message names the layer and the reason. */
export class UnsupportedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedModelError';
  }
}

export function describeLayer(layer: tf.layers.Layer): string {
  return `layer "${layer.name}" (${layer.getClassName()})`;
}

export function unsupported(layer: tf.layers.Layer, reason: string): UnsupportedModelError {
  return new UnsupportedModelError(`ONNX export: ${describeLayer(layer)} ${reason}`);
}
