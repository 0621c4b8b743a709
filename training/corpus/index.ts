export {
  buildDefaultCorpus,
  CORPUS_FILES,
  DEFAULT_CAP_SEED,
  DEFAULT_US_HTS_PER_HS6_CAP,
  type BuildCorpusOptions,
} from './build';
export { capPerHs6 } from './cap';
export { dedupe, type DedupeResult } from './dedupe';
export { createHs2022Resolver, type Hs2022Resolver, type Resolution } from './hs2022-resolver';
export { cleanHtsDescription } from './hts-description';
export { benchmarkKeys, withoutLeakage } from './leakage';
export { microCode, microTexts } from './micro';
export { stripBoilerplate } from './micro-boilerplate';
export { nomenclatureTexts } from './nomenclature-texts';
export { normaliseText } from './normalise';
export { CORPUS_SOURCES, type CorpusSource, type CorpusStats, type PartStats, type PerSource } from './stats';
export { MAX_TEXT_LENGTH, usHtsTexts, type HtsLineTexts } from './us-hts';
export { corpusJsonl, writeCorpusJsonl } from './write-jsonl';
