import type { EncoderHyperParams } from '../variants';
import { NORMALISER_VERSION, tokenize } from './normalise';
import type { EncoderConfig } from './encoder';

/**
 * Words that appear in at least `minWordCount` texts, most frequent first, ties broken
 * alphabetically so the same data always yields the same vocabulary (and model hash).
 */
export function buildEncoderConfig(texts: Iterable<string>, params: EncoderHyperParams): EncoderConfig {
  const documentFrequency = new Map<string, number>();
  for (const text of texts) {
    for (const word of new Set(tokenize(text))) {
      documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
    }
  }
  const vocabulary = [...documentFrequency]
    .filter(([, count]) => count >= params.minWordCount)
    .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, params.maxVocabulary)
    .map(([word]) => word);
  return {
    type: 'words+char-ngrams',
    normaliserVersion: NORMALISER_VERSION,
    maxLength: params.maxLength,
    maxWords: params.maxWords,
    ngramSizes: [...params.ngramSizes],
    ngramBuckets: params.ngramBuckets,
    vocabulary,
    hashUnknownWords: false,
  };
}
