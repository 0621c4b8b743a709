import type { ExportedTensor, LayerContext } from '../exported-tensor';
import { isSequence } from '../exported-tensor';
import { LayerConfig, readWeights, type LayerWeight } from '../layer-config';
import { concatFloat32, transpose2d } from '../tensor-bytes';
import { unsupported } from '../unsupported';

/** tfjs activation → ONNX RNN activation, with the parameters that make them identical. */
const GRU_ACTIVATIONS: Record<string, { name: string; alpha?: number; beta?: number }> = {
  // tfjs hardSigmoid is clip(0.2·x + 0.5, 0, 1), ONNX HardSigmoid with alpha 0.2, beta 0.5.
  hardSigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  sigmoid: { name: 'Sigmoid' },
  tanh: { name: 'Tanh' },
  relu: { name: 'Relu' },
};

/**
 * Bidirectional(GRU, concat) returning only the final states → one ONNX GRU with
 * direction=bidirectional.
 *
 * Gate order is z, r, h in both tfjs (kernel columns) and ONNX (W rows), so the kernels only
 * need transposing. tfjs has one input-side bias and computes the candidate as
 * tanh(x·Wh + b_h + (r ⊙ h_prev)·Rh), which is ONNX's linear_before_reset=0 with Rb = 0.
 * Both update the state as z ⊙ h_prev + (1 − z) ⊙ candidate. ONNX Y_h is [2, batch, units]
 * with the forward direction first, the order tfjs concatenates in.
 */
export function convertBidirectionalGru(context: LayerContext): ExportedTensor {
  const { layer, graph } = context;
  const config = new LayerConfig(layer);
  config.expect('mergeMode', 'concat', 'concat');
  const inner = config.nested('layer');
  if (inner.className !== 'GRU') {
    throw unsupported(layer, `wraps a ${inner.className}; only GRU is supported`);
  }
  const gru = inner.config;
  for (const flag of ['returnSequences', 'returnState', 'goBackwards', 'stateful', 'resetAfter']) {
    gru.expect(flag, false, false);
  }
  const units = gru.number('units');
  const useBias = gru.boolean('useBias', true);
  const gate = onnxActivation(context, gru.string('recurrentActivation', 'hardSigmoid'));
  const candidate = onnxActivation(context, gru.string('activation', 'tanh'));
  const [input] = context.inputs;
  if (context.inputs.length !== 1 || input === undefined || !isSequence(input.layout)) {
    throw unsupported(layer, 'must take one sequence tensor');
  }

  const inFeatures = layer.getWeights()[0]?.shape[0] ?? 0;
  const directionShapes = [[inFeatures, 3 * units], [units, 3 * units], ...(useBias ? [[3 * units]] : [])];
  const weights = readWeights(layer, [...directionShapes, ...directionShapes]);
  const perDirection = directionShapes.length;
  const directions = [weights.slice(0, perDirection), weights.slice(perDirection)];
  const stack = (pick: (direction: LayerWeight[]) => ArrayLike<number>) =>
    concatFloat32(directions.map(pick));
  const weightOf = (direction: LayerWeight[], index: number) => direction[index]?.values ?? [];
  const W = stack((d) => transpose2d(weightOf(d, 0), inFeatures, 3 * units));
  const R = stack((d) => transpose2d(weightOf(d, 1), units, 3 * units));
  const inputs = [
    context.inLayout(input, 'LNC'),
    graph.addFloatInitializer(`${layer.name}/W`, [2, 3 * units, inFeatures], W),
    graph.addFloatInitializer(`${layer.name}/R`, [2, 3 * units, units], R),
  ];
  if (useBias) {
    // Per direction [Wb_z, Wb_r, Wb_h, Rb_z, Rb_r, Rb_h]: tfjs's bias is the W side, R side is zero.
    const B = stack((d) => {
      const both = new Float32Array(6 * units);
      both.set(weightOf(d, 2));
      return both;
    });
    inputs.push(graph.addFloatInitializer(`${layer.name}/B`, [2, 6 * units], B));
  }

  const activations = [gate, candidate, gate, candidate];
  const withAlpha = activations.filter((a) => a.alpha !== undefined);
  const finalStates = `${layer.name}/Y_h`;
  const batchFirst = `${layer.name}/Y_h_batch_first`;
  graph.addNode('GRU', `${layer.name}/GRU`, inputs, ['', finalStates], {
    hidden_size: units,
    direction: 'bidirectional',
    linear_before_reset: 0,
    activations: activations.map((a) => a.name),
    // onnxruntime hands these out only to the activations that take parameters, in order.
    ...(withAlpha.length > 0
      ? {
          activation_alpha: { floats: withAlpha.map((a) => a.alpha ?? 0) },
          activation_beta: { floats: withAlpha.map((a) => a.beta ?? 0) },
        }
      : {}),
  });
  graph.addNode('Transpose', `${layer.name}/Transpose`, [finalStates], [batchFirst], { perm: [1, 0, 2] });
  const flatShape = graph.addInt64Initializer(`${layer.name}/concat_shape`, [0, -1]);
  graph.addNode('Reshape', `${layer.name}/Reshape`, [batchFirst, flatShape], [context.outputName]);
  return { name: context.outputName, layout: 'NC' };
}

function onnxActivation(context: LayerContext, activation: string) {
  const onnx = GRU_ACTIVATIONS[activation];
  if (onnx === undefined) {
    throw unsupported(
      context.layer,
      `uses GRU activation "${activation}" (supported: ${Object.keys(GRU_ACTIVATIONS).join(', ')})`,
    );
  }
  return onnx;
}
