import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from './manifest.schema.json';
import { validateManifest as generatedValidator } from './manifest-validator.generated';
import type { Variant } from './variants';
import type { OnnxTensorSpec } from './onnx-contract';

export interface LevelScores {
  hs2: number;
  hs4: number;
  hs6: number;
}

export interface ScoreSummary {
  n: number;
  top1: LevelScores;
  top3: LevelScores;
  top5: LevelScores;
  macro_f1: number;
  ece: number;
}

/**
 * Why training ended: its epochs ran out, validation stopped improving, the wall-clock budget cut
 * it short (not reproducible on another machine), or the model was trained elsewhere.
 */
export type StoppedBy = 'epochs' | 'early-stopping' | 'time-budget' | 'external';

/** The level whose precision the review threshold guarantees. */
export type AbstainLevel = 'hs2' | 'hs6';

/** One epoch of training as the progress display shows it and the manifest records it. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  seconds: number;
}

/** The artifact's promise: see manifest.schema.json for the meaning of each field. */
export interface ModelManifest {
  schemaVersion: 1;
  variant: string;
  version: string;
  createdAt: string;
  codeVersion: string;
  hsEdition: 'HS2022';
  seed: number;
  data: {
    sha256: string;
    rows: number;
    trainRows: number;
    validationRows: number;
    upsampledTrainRows: number;
    splitSeed: number;
    sources: string[];
  };
  hyperParameters: Variant;
  encoder: {
    file: string;
    sha256: string;
    type: string;
    normaliserVersion: number;
    maxLength: number;
    vocabularySize: number;
    vocabularySha256: string;
    inputDim: number;
  };
  labels: { file: string; sha256: string; count: number };
  onnx: {
    file: string;
    sha256: string;
    bytes: number;
    opset: number;
    inputs: OnnxTensorSpec[];
    outputs: OnnxTensorSpec[];
  };
  training: {
    backend: string;
    seconds: number;
    /** Threads the gradients were computed on (the weights do not depend on it). */
    threads?: number;
    bestEpoch: number;
    stoppedBy: StoppedBy;
    history: EpochRecord[];
  };
  /** The lexical retrieval served beside the network (absent: the network alone is served). */
  lexicalIndex?: {
    file: string;
    sha256: string;
    bytes: number;
    tokenizerVersion: number;
    documents: { nomenclature: number; rows: number };
  };
  /** Weights of network and retrieval in the served scores (see models/fusion.ts). */
  fusion?: { network: number; nomenclature: number; rows: number; fittedOnRows: number };
  /**
   * Scores on held-out rows of what is served (`validation`), of the network alone, and of the
   * two baselines every model must beat: BM25 over the nomenclature and a linear n-gram model.
   */
  metrics: {
    validation: ScoreSummary;
    network?: ScoreSummary;
    baseline?: ScoreSummary;
    linearBaseline?: ScoreSummary;
    development?: ScoreSummary;
    developmentNetwork?: ScoreSummary;
    developmentBaseline?: ScoreSummary;
    developmentLinearBaseline?: ScoreSummary;
  };
  /**
   * The review rule: an answer whose confidence (at `level`: the top candidate's chapter mass for
   * hs2, its own probability for hs6) is below `threshold` needs review. Chosen on held-out rows
   * shortened to trader phrases (training/trader-phrase.ts)
   * so that the answers not flagged reach `targetPrecision` at that level.
   */
  abstain: {
    targetPrecision: number;
    threshold: number;
    coverage: number;
    precision: number;
    level?: AbstainLevel;
    /** Held-out rows the threshold was chosen on. */
    rows?: number;
  };
  driftBaseline: {
    n: number;
    chapterDistribution: Record<string, number>;
    confidenceHistogram: number[];
    unknownWordRate: number;
  };
  parentVersion: string | null;
}

// Precompiled by ajv from manifest.schema.json (see manifest-validator-source.ts), so that a
// cold start does not compile the schema.
const validateManifest = generatedValidator as unknown as ValidateFunction<ModelManifest>;

export class InvalidManifestError extends Error {
  constructor(readonly errors: ErrorObject[]) {
    super(
      `invalid model manifest: ${errors
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
        .join('; ')}`,
    );
  }
}

/** Throws InvalidManifestError naming the first offending fields; used on write and on read. */
export function assertValidManifest(value: unknown): asserts value is ModelManifest {
  if (!validateManifest(value)) throw new InvalidManifestError(validateManifest.errors ?? []);
}

export const MANIFEST_SCHEMA = schema;
