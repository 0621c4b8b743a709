import type { ExportedTensor, LayerContext } from '../exported-tensor';
import { isSequence } from '../exported-tensor';
import { LayerConfig } from '../layer-config';
import { unsupported } from '../unsupported';

/** Reduces the steps axis wherever the input layout put it, so no Transpose is needed. */
function convertGlobalPooling1D(context: LayerContext, reduceOp: 'ReduceMax' | 'ReduceMean'): ExportedTensor {
  const { layer } = context;
  new LayerConfig(layer).expect('dataFormat', 'channelsLast', 'channelsLast');
  const [input] = context.inputs;
  if (context.inputs.length !== 1 || input === undefined || !isSequence(input.layout)) {
    throw unsupported(layer, 'must take one sequence tensor');
  }
  // Opset 17 still takes the axes of ReduceMax/ReduceMean as an attribute (an input from 18 on).
  context.graph.addNode(reduceOp, `${layer.name}/${reduceOp}`, [input.name], [context.outputName], {
    axes: [input.layout.indexOf('L')],
    keepdims: 0,
  });
  return { name: context.outputName, layout: 'NC' };
}

export const convertGlobalMaxPooling1D = (context: LayerContext) =>
  convertGlobalPooling1D(context, 'ReduceMax');
export const convertGlobalAveragePooling1D = (context: LayerContext) =>
  convertGlobalPooling1D(context, 'ReduceMean');
