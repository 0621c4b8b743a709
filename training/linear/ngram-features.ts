import { fnv1a } from '../../models/encoder/hash';

/** Hashed feature space: large enough that collisions between 40k short texts' n-grams are rare. */
export const FEATURE_BUCKETS = 1 << 20;

/** A sparse feature vector: bucket ids and their values, ids ascending and distinct. */
export interface SparseVector {
  ids: Int32Array;
  values: Float32Array;
}

/** Lower-case words of two or more letters or digits, accents removed (scikit-learn's default token pattern). */
function words(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  return [...folded.matchAll(/[\p{L}\p{N}_]{2,}/gu)].map((m) => m[0]);
}

/**
 * The n-grams of a text with their counts: words and word pairs, and character 3- to 5-grams of
 * each word padded with spaces (scikit-learn's `char_wb`), which catch misspellings, plurals and
 * words glued together.
 */
export function ngramCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (hash: number) => {
    const id = (hash >>> 0) % FEATURE_BUCKETS;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  const tokens = words(text);
  tokens.forEach((word, i) => {
    add(fnv1a(`w:${word}`));
    if (i > 0) add(fnv1a(`b:${tokens[i - 1] as string} ${word}`));
    // FNV-1a extends one character at a time: the 3-, 4- and 5-grams starting at a position are
    // prefixes of one another, so each start hashes five characters once.
    const padded = ` ${word} `;
    for (let s = 0; s + 3 <= padded.length; s++) {
      let hash = CHAR_NGRAM_SEED;
      for (let n = 1; n <= 5 && s + n <= padded.length; n++) {
        hash = Math.imul(hash ^ padded.charCodeAt(s + n - 1), 0x01000193);
        if (n >= 3) add(hash);
      }
    }
  });
  return counts;
}

/** FNV-1a state after the prefix "c:", so character n-grams never share a hash with words. */
const CHAR_NGRAM_SEED = [...'c:'].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 0x01000193), 0x811c9dc5);

/** Inverse document frequencies fitted on training texts: idf = ln((1 + N) / (1 + df)) + 1. */
export class TfIdf {
  private constructor(private readonly idf: Float32Array) {}

  static fit(texts: readonly string[]): TfIdf {
    const df = new Uint32Array(FEATURE_BUCKETS);
    for (const text of texts) for (const id of ngramCounts(text).keys()) df[id] = (df[id] as number) + 1;
    const n = texts.length;
    const idf = new Float32Array(FEATURE_BUCKETS);
    for (let id = 0; id < FEATURE_BUCKETS; id++) idf[id] = Math.log((1 + n) / (1 + (df[id] as number))) + 1;
    return new TfIdf(idf);
  }

  /** Sub-linear term frequency (1 + ln tf) times idf, scaled to unit length. */
  transform(text: string): SparseVector {
    const counts = [...ngramCounts(text)].sort((a, b) => a[0] - b[0]);
    const ids = Int32Array.from(counts, ([id]) => id);
    const values = Float32Array.from(counts, ([id, tf]) => (1 + Math.log(tf)) * (this.idf[id] as number));
    let norm = 0;
    for (const v of values) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / norm;
    return { ids, values };
  }
}
