import type { ExportedTensor, LayerContext } from '../exported-tensor';
import { LayerConfig, readWeights } from '../layer-config';
import { unsupported } from '../unsupported';

/**
 * Gather rows of the table: [batch, L] ids → [batch, L, dim]. ONNX Gather wraps negative ids
 * around instead of failing, which is harmless only because the encoder never emits them.
 */
export function convertEmbedding(context: LayerContext): ExportedTensor {
  const { layer, graph } = context;
  const config = new LayerConfig(layer);
  const inputDim = config.number('inputDim');
  const outputDim = config.number('outputDim');
  // A zero mask would change what the pooling and recurrent layers see; ONNX has no mask.
  if ((layer as unknown as { maskZero?: boolean }).maskZero === true) {
    throw unsupported(layer, 'uses maskZero, which has no ONNX equivalent in this exporter');
  }
  const [input] = context.inputs;
  if (context.inputs.length !== 1 || input?.layout !== 'ids') {
    throw unsupported(layer, 'must read the model input (token ids) directly');
  }
  const [table] = readWeights(layer, [[inputDim, outputDim]]);
  const tableName = graph.addFloatInitializer(
    `${layer.name}/embeddings`,
    [inputDim, outputDim],
    table!.values,
  );
  graph.addNode('Gather', `${layer.name}/Gather`, [tableName, input.name], [context.outputName], { axis: 0 });
  return { name: context.outputName, layout: 'NLC' };
}
