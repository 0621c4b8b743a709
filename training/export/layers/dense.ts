import type { ExportedTensor, LayerContext } from '../exported-tensor';
import { LayerConfig, readWeights } from '../layer-config';
import { unsupported } from '../unsupported';
import { assertSupportedActivation, emitActivation, preActivationName } from './activation';
import { addInt8Gemm } from './int8-gemm';

/** Gemm with the tfjs kernel as is ([in, out] is Gemm's B without transB), then the activation. */
export function convertDense(context: LayerContext): ExportedTensor {
  const { layer, graph } = context;
  const config = new LayerConfig(layer);
  const units = config.number('units');
  const useBias = config.boolean('useBias', true);
  const activation = config.string('activation', 'linear');
  assertSupportedActivation(context, activation);
  const [input] = context.inputs;
  if (context.inputs.length !== 1 || input?.layout !== 'NC') {
    throw unsupported(
      layer,
      'must take one [batch, features] tensor (Dense over a sequence is not supported)',
    );
  }
  const inFeatures = layer.getWeights()[0]?.shape[0] ?? 0;
  const [kernel, bias] = readWeights(layer, [[inFeatures, units], ...(useBias ? [[units]] : [])]);
  const gemmOut = preActivationName(context, activation, 'pre_activation');
  if (context.int8Weights) {
    addInt8Gemm(
      graph,
      layer.name,
      input.name,
      { rows: inFeatures, cols: units, values: kernel!.values },
      bias?.values,
      gemmOut,
    );
  } else {
    const inputs = [
      input.name,
      graph.addFloatInitializer(`${layer.name}/kernel`, [inFeatures, units], kernel!.values),
      ...(bias ? [graph.addFloatInitializer(`${layer.name}/bias`, [units], bias.values)] : []),
    ];
    graph.addNode('Gemm', `${layer.name}/Gemm`, inputs, [gemmOut]);
  }
  emitActivation(context, activation, gemmOut);
  return { name: context.outputName, layout: 'NC' };
}
