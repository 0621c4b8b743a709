import type { ModelManifest } from '../../models/manifest';

/** One candidate code, with its place in the nomenclature (the public response's shape). */
export interface Candidate {
  hs6: string;
  hs4: string;
  hs2: string;
  probability: number;
  /** Official HS 2022 descriptions of the subheading, its heading and its chapter. */
  description: string;
  headingDescription: string;
  chapterDescription: string;
}

/** How much a word raised the top code's probability (negative: it pulled away from it). */
export interface WordWeight {
  /** The word as the model sees it (lower-cased, singular, units folded: "inch", "<num3>"). */
  word: string;
  /** How much the top code's probability drops without this word. */
  weight: number;
  /** Every place in the original description this word came from: UTF-16 [start, end). */
  spans: Array<{ start: number; end: number }>;
  /**
   * What retrieval searched for instead, when it did not know the word: a WordNet synonym
   * ("phone" → "telephone") or the known word one typo away ("honeey" → "honey").
   */
  readAs?: string;
}

export interface Prediction {
  /** Most probable first; `topK` of them. */
  candidates: Candidate[];
  /** The top probability is below the model's abstain threshold: a person should check it. */
  needsReview: boolean;
  /** Words the model saw (after normalisation, at most the encoder's maxWords). */
  words: number;
  /** Of those, words outside the vocabulary: drift monitoring watches the rate. */
  unknownWords: number;
  /** Only when asked for: the words that drove the top code, strongest first. */
  explanation?: WordWeight[];
}

export interface PredictOptions {
  /** 1 to MAX_TOP_K. */
  topK: number;
  explain: boolean;
}

export const MAX_TOP_K = 20;

export interface ModelInfo {
  variant: string;
  version: string;
  /** sha256 of the ONNX file: the model's identity in audit records. */
  modelSha256: string;
  hsEdition: string;
  createdAt: string;
  labels: number;
  abstainThreshold: number;
  parentVersion: string | null;
  manifest: ModelManifest;
}

/** Any model that turns descriptions into ranked HS codes; the service does not know which kind. */
export interface Classifier {
  readonly info: ModelInfo;
  predict(texts: readonly string[], options: PredictOptions): Promise<Prediction[]>;
}
