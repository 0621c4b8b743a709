import type * as tfType from '@tensorflow/tfjs';
import type { BiGruVariant, DnnVariant, TextCnnVariant, Variant } from '../../models/variants';

export interface ModelShape {
  /** Rows of the embedding table (the encoder's `inputDim`). */
  inputDim: number;
  sequenceLength: number;
  numClasses: number;
}

type Tf = typeof tfType;

/**
 * Every weight initialiser gets its own seed derived from the run's seed, so the same seed
 * builds the same starting weights on any backend.
 */
function seededInitialisers(tf: Tf, seed: number) {
  let next = seed >>> 0;
  const nextSeed = () => (next = (Math.imul(next, 1664525) + 1013904223) >>> 0);
  return {
    glorot: () => tf.initializers.glorotUniform({ seed: nextSeed() }),
    embedding: () => tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: nextSeed() }),
  };
}

function embeddingLayer(
  tf: Tf,
  variant: Variant,
  shape: ModelShape,
  init: ReturnType<typeof seededInitialisers>,
) {
  return tf.layers.embedding({
    name: 'embedding',
    inputDim: shape.inputDim,
    outputDim: variant.embeddingDim,
    inputLength: shape.sequenceLength,
    embeddingsInitializer: init.embedding(),
  });
}

function classifierLayer(tf: Tf, shape: ModelShape, init: ReturnType<typeof seededInitialisers>) {
  return tf.layers.dense({
    name: 'probabilities',
    units: shape.numClasses,
    activation: 'softmax',
    kernelInitializer: init.glorot(),
  });
}

function buildTextCnn(tf: Tf, variant: TextCnnVariant, shape: ModelShape, seed: number) {
  const init = seededInitialisers(tf, seed);
  const input = tf.input({ name: 'token_ids', shape: [shape.sequenceLength], dtype: 'int32' });
  const embedded = embeddingLayer(tf, variant, shape, init).apply(input) as tfType.SymbolicTensor;
  const pooled = variant.kernelSizes.map((kernelSize) => {
    const conv = tf.layers
      .conv1d({
        name: `conv_k${kernelSize}`,
        filters: variant.filtersPerKernel,
        kernelSize,
        activation: 'relu',
        kernelInitializer: init.glorot(),
      })
      .apply(embedded) as tfType.SymbolicTensor;
    return tf.layers
      .globalMaxPooling1d({ name: `maxpool_k${kernelSize}` })
      .apply(conv) as tfType.SymbolicTensor;
  });
  const features =
    pooled.length === 1
      ? (pooled[0] as tfType.SymbolicTensor)
      : (tf.layers.concatenate({ name: 'features' }).apply(pooled) as tfType.SymbolicTensor);
  // A linear bottleneck factors the 5,612-way output: fewer multiply-adds per description in
  // training and in serving, for the same number of classes.
  const beforeOutput = variant.bottleneckUnits
    ? (tf.layers
        .dense({ name: 'bottleneck', units: variant.bottleneckUnits, kernelInitializer: init.glorot() })
        .apply(features) as tfType.SymbolicTensor)
    : features;
  const output = classifierLayer(tf, shape, init).apply(beforeOutput) as tfType.SymbolicTensor;
  return tf.model({ name: 'textcnn', inputs: input, outputs: output });
}

function buildBiGru(tf: Tf, variant: BiGruVariant, shape: ModelShape, seed: number) {
  const init = seededInitialisers(tf, seed);
  const input = tf.input({ name: 'token_ids', shape: [shape.sequenceLength], dtype: 'int32' });
  const embedded = embeddingLayer(tf, variant, shape, init).apply(input) as tfType.SymbolicTensor;
  const gru = (name: string) =>
    tf.layers.gru({
      name,
      units: variant.units,
      // tfjs defaults to hardSigmoid, whose ONNX parameters the spec leaves ambiguous.
      recurrentActivation: 'sigmoid',
      kernelInitializer: init.glorot(),
      // Orthogonal (the default) runs a QR decomposition per layer; seeded Glorot is fast and reproducible.
      recurrentInitializer: init.glorot(),
    }) as tfType.RNN;
  const encoded = tf.layers
    .bidirectional({ name: 'bigru', layer: gru('gru'), mergeMode: 'concat' })
    .apply(embedded) as tfType.SymbolicTensor;
  const output = classifierLayer(tf, shape, init).apply(encoded) as tfType.SymbolicTensor;
  return tf.model({ name: 'bigru', inputs: input, outputs: output });
}

function buildDnn(tf: Tf, variant: DnnVariant, shape: ModelShape, seed: number) {
  const init = seededInitialisers(tf, seed);
  const input = tf.input({ name: 'token_ids', shape: [shape.sequenceLength], dtype: 'int32' });
  let x = embeddingLayer(tf, variant, shape, init).apply(input) as tfType.SymbolicTensor;
  x = tf.layers.globalAveragePooling1d({ name: 'meanpool' }).apply(x) as tfType.SymbolicTensor;
  variant.hiddenUnits.forEach((units, i) => {
    x = tf.layers
      .dense({ name: `hidden_${i}`, units, activation: 'relu', kernelInitializer: init.glorot() })
      .apply(x) as tfType.SymbolicTensor;
  });
  const output = classifierLayer(tf, shape, init).apply(x) as tfType.SymbolicTensor;
  return tf.model({ name: 'dnn', inputs: input, outputs: output });
}

/** The tfjs graph of a catalogue variant; layer names are stable because the ONNX exporter reads them. */
export function buildModel(tf: Tf, variant: Variant, shape: ModelShape, seed: number): tfType.LayersModel {
  switch (variant.name) {
    case 'textcnn':
      return buildTextCnn(tf, variant, shape, seed);
    case 'bigru':
      return buildBiGru(tf, variant, shape, seed);
    case 'dnn':
      return buildDnn(tf, variant, shape, seed);
  }
  // Reachable from a manifest or a worker message that the type system never saw.
  throw new Error(`no network is defined for variant "${(variant as { name: string }).name}"`);
}
