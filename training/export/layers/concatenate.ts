import type { ExportedTensor, LayerContext } from '../exported-tensor';
import { LayerConfig } from '../layer-config';
import { unsupported } from '../unsupported';

/** Feature concatenation of [batch, features] tensors (the Text-CNN's pooled branches). */
export function convertConcatenate(context: LayerContext): ExportedTensor {
  const { layer } = context;
  const axis = new LayerConfig(layer).number('axis', -1);
  if (context.inputs.some((input) => input.layout !== 'NC')) {
    throw unsupported(layer, 'can only join [batch, features] tensors');
  }
  if (axis !== -1 && axis !== 1) {
    throw unsupported(layer, `joins on axis ${axis}; only the feature axis is supported`);
  }
  context.graph.addNode(
    'Concat',
    `${layer.name}/Concat`,
    context.inputs.map((input) => input.name),
    [context.outputName],
    { axis: 1 },
  );
  return { name: context.outputName, layout: 'NC' };
}
