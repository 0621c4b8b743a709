import type { LayerContext } from '../exported-tensor';
import { unsupported } from '../unsupported';

const ONNX_ACTIVATIONS: Record<string, { op: string; attributes?: Record<string, number> }> = {
  relu: { op: 'Relu' },
  // tfjs softmax works on the last axis; every tensor reaching here is [batch, features].
  softmax: { op: 'Softmax', attributes: { axis: -1 } },
};

export const SUPPORTED_ACTIVATIONS = ['linear', ...Object.keys(ONNX_ACTIVATIONS)];

/** Checks the activation up front, so nothing is added to the graph for a layer that then fails. */
export function assertSupportedActivation(context: LayerContext, activation: string): void {
  if (!SUPPORTED_ACTIVATIONS.includes(activation)) {
    throw unsupported(
      context.layer,
      `uses activation "${activation}", which the exporter does not support (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`,
    );
  }
}

/**
 * Emits the node that computes `activation` of `preActivation` into `outputName`. A linear
 * layer has no activation node, so its last node must already write `outputName`: callers
 * name their pre-activation tensor with `preActivationName`.
 */
export function preActivationName(context: LayerContext, activation: string, suffix: string): string {
  return activation === 'linear' ? context.outputName : `${context.layer.name}/${suffix}`;
}

export function emitActivation(context: LayerContext, activation: string, preActivation: string): void {
  assertSupportedActivation(context, activation);
  const onnxActivation = ONNX_ACTIVATIONS[activation];
  if (onnxActivation === undefined) return;
  context.graph.addNode(
    onnxActivation.op,
    `${context.layer.name}/${onnxActivation.op}`,
    [preActivation],
    [context.outputName],
    onnxActivation.attributes,
  );
}
