/**
 * The variant catalogue: every architecture the project can train, with all of its
 * hyper-parameters declared here and nowhere else. A manifest copies the entry it was trained
 * with, so a model can be rebuilt from its manifest alone.
 */
export type VariantName = 'textcnn' | 'bigru' | 'dnn';

export interface EncoderHyperParams {
  /** Sequence length fed to the model; every sequence is padded or truncated to it. */
  maxLength: number;
  /** Word tokens taken before the character n-gram tokens fill the rest. */
  maxWords: number;
  /** A word enters the vocabulary when it appears in at least this many training rows. */
  minWordCount: number;
  maxVocabulary: number;
  /** Character n-gram sizes, hashed into `ngramBuckets` shared ids. */
  ngramSizes: number[];
  ngramBuckets: number;
}

export interface TrainingHyperParams {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Stop when validation accuracy has not improved for this many epochs. */
  patience: number;
  /** Probability of dropping each word of a training description (augmentation, seeded). */
  wordDropout: number;
  /** Probability of training on a random run of 1 to 3 of a description's words instead (seeded). */
  shortPhraseRate: number;
  /** Classes with fewer training rows than this are up-sampled to it (seeded). */
  minRowsPerClass: number;
  /** Fraction of rows held out, stratified by HS6, for early stopping and evaluation. */
  validationFraction: number;
  /**
   * 0: train the fixed number of epochs (with early stopping, which depends only on data and
   * seed), whatever the machine's speed. Above 0: stop starting epochs after this many seconds
   * (opt-in; the model then depends on the machine and its load, and the manifest says so).
   */
  timeBudgetSeconds: number;
  /**
   * Each batch is cut into this many shards whose gradients are added in shard order; threads
   * share the shards out, so up to this many cores are used and the model never depends on how
   * many there were.
   */
  gradientShards: number;
}

interface VariantBase {
  name: VariantName;
  description: string;
  encoder: EncoderHyperParams;
  training: TrainingHyperParams;
  embeddingDim: number;
}

export interface TextCnnVariant extends VariantBase {
  name: 'textcnn';
  kernelSizes: number[];
  filtersPerKernel: number;
  /** Width of a linear layer between the pooled features and the output (absent: none). */
  bottleneckUnits?: number;
}

export interface BiGruVariant extends VariantBase {
  name: 'bigru';
  units: number;
}

export interface DnnVariant extends VariantBase {
  name: 'dnn';
  hiddenUnits: number[];
}

export type Variant = TextCnnVariant | BiGruVariant | DnnVariant;

const encoder: EncoderHyperParams = {
  maxLength: 48,
  maxWords: 24,
  minWordCount: 2,
  maxVocabulary: 20000,
  ngramSizes: [3],
  ngramBuckets: 16384,
};

const training: TrainingHyperParams = {
  epochs: 12,
  batchSize: 64,
  learningRate: 0.002,
  patience: 2,
  wordDropout: 0.1,
  shortPhraseRate: 0,
  minRowsPerClass: 3,
  validationFraction: 0.1,
  timeBudgetSeconds: 0,
  gradientShards: 2,
};

export const VARIANTS: Readonly<Record<VariantName, Variant>> = {
  textcnn: {
    name: 'textcnn',
    description: 'Text-CNN: parallel 1-D convolutions over token embeddings, global max-pool, softmax',
    // 5,612 output classes make the softmax layer the costliest part of a step: a 128-wide linear
    // bottleneck before it halves each epoch (about 20 s on this project's 2-core reference
    // machine) and, on held-out rows, learns faster than the direct 288 → 5,612 layer did. The
    // width-1 filters give single words a direct path, which short commercial phrases need.
    encoder: { ...encoder, maxLength: 32 },
    // Short-phrase crops cost ~8 points of held-out subheading accuracy after 3 epochs and gain
    // ~8 points of chapter accuracy on the 78 commercial development cases: users send the latter.
    // Eight epochs (chosen on held-out accuracy, which still rose at the seventh) keep the default
    // training, with the retrieval index, the baselines and the scoring, under 4 minutes there;
    // the count is fixed so the model does not depend on the machine's speed.
    training: { ...training, epochs: 8, batchSize: 128, learningRate: 0.005, shortPhraseRate: 0.3 },
    embeddingDim: 48,
    kernelSizes: [1, 2, 3],
    filtersPerKernel: 96,
    bottleneckUnits: 128,
  },
  bigru: {
    name: 'bigru',
    description: 'Bidirectional GRU over token embeddings, concatenated final states, softmax',
    encoder: { ...encoder, maxLength: 32, maxWords: 16 },
    // ~140 s per epoch on one core: two epochs keep it near the default's training time.
    training: { ...training, epochs: 2 },
    embeddingDim: 64,
    units: 96,
  },
  dnn: {
    name: 'dnn',
    description: 'DNN over mean-pooled token embeddings (a fastText-like baseline)',
    encoder,
    training: { ...training, epochs: 5, patience: 3, learningRate: 0.005 },
    embeddingDim: 96,
    hiddenUnits: [256],
  },
};

export const DEFAULT_VARIANT: VariantName = 'textcnn';

export function isVariantName(name: string): name is VariantName {
  return Object.prototype.hasOwnProperty.call(VARIANTS, name);
}

export function getVariant(name: string): Variant {
  if (!isVariantName(name)) {
    throw new Error(`unknown variant "${name}": choose one of ${Object.keys(VARIANTS).join(', ')}`);
  }
  return VARIANTS[name];
}
