import type { ExportedTensor, LayerContext } from '../exported-tensor';
import { isSequence } from '../exported-tensor';
import { LayerConfig, readWeights } from '../layer-config';
import { unsupported } from '../unsupported';
import { assertSupportedActivation, emitActivation, preActivationName } from './activation';

/** tfjs Conv1D kernel [k, in, out] → ONNX Conv weight [out, in, k]. */
export function conv1dKernelToOnnx(
  kernel: ArrayLike<number>,
  kernelSize: number,
  inChannels: number,
  outChannels: number,
): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let t = 0; t < kernelSize; t++) {
    for (let i = 0; i < inChannels; i++) {
      for (let o = 0; o < outChannels; o++) {
        out[(o * inChannels + i) * kernelSize + t] = kernel[(t * inChannels + i) * outChannels + o] as number;
      }
    }
  }
  return out;
}

/** Valid-padded 1-D convolution on the channels-first view of the sequence: output is NCL. */
export function convertConv1D(context: LayerContext): ExportedTensor {
  const { layer, graph } = context;
  const config = new LayerConfig(layer);
  config.expect('padding', 'valid', 'valid');
  config.expect('dataFormat', 'channelsLast', 'channelsLast');
  const filters = config.number('filters');
  const kernelSize = config.single('kernelSize', 0);
  const stride = config.single('strides', 1);
  const dilation = config.single('dilationRate', 1);
  const useBias = config.boolean('useBias', true);
  const activation = config.string('activation', 'linear');
  assertSupportedActivation(context, activation);
  const [input] = context.inputs;
  if (context.inputs.length !== 1 || input === undefined || !isSequence(input.layout)) {
    throw unsupported(layer, 'must take one sequence tensor');
  }
  const inChannels = layer.getWeights()[0]?.shape[1] ?? 0;
  const shapes = [[kernelSize, inChannels, filters], ...(useBias ? [[filters]] : [])];
  const [kernel, bias] = readWeights(layer, shapes);
  const inputs = [
    context.inLayout(input, 'NCL'),
    graph.addFloatInitializer(
      `${layer.name}/kernel`,
      [filters, inChannels, kernelSize],
      conv1dKernelToOnnx(kernel!.values, kernelSize, inChannels, filters),
    ),
    ...(bias ? [graph.addFloatInitializer(`${layer.name}/bias`, [filters], bias.values)] : []),
  ];
  const convOut = preActivationName(context, activation, 'pre_activation');
  graph.addNode('Conv', `${layer.name}/Conv`, inputs, [convOut], {
    kernel_shape: [kernelSize],
    strides: [stride],
    dilations: [dilation],
    pads: [0, 0],
    group: 1,
  });
  emitActivation(context, activation, convOut);
  return { name: context.outputName, layout: 'NCL' };
}
