import { fnv1a } from './hash';
import { NORMALISER_VERSION, tokenize, tokenizeWithSpans } from './normalise';

/**
 * Everything the runtime needs to turn text into the model's input ids, stored in the
 * artifact (encoder.json) and hashed into the manifest.
 *
 * Id layout: 0 = padding; 1..V = vocabulary words; V+1..V+B = hashed buckets of character
 * n-grams, so an unseen word still lands on ids that training has seen through its n-grams
 * (encoders without `hashUnknownWords: false` also hash such a word whole into them).
 */
export interface EncoderConfig {
  type: 'words+char-ngrams';
  normaliserVersion: number;
  maxLength: number;
  maxWords: number;
  ngramSizes: number[];
  ngramBuckets: number;
  vocabulary: string[];
  /**
   * Whether a word outside the vocabulary also gets a hashed id of its own (absent: it does, as
   * encoders before this field did). Such an id is one a rare training word left its mark on by
   * chance (it shares the buckets with every n-gram), so a typo or a brand name read through it
   * pushed the network towards some unrelated class: "soy sace" towards plastics. False: an
   * unknown word is read by its character n-grams alone, as fastText reads one.
   */
  hashUnknownWords?: boolean;
}

export interface EncodedText {
  /** Token ids, exactly `maxLength` long, zero-padded. */
  ids: Int32Array;
  /** For each id, the index into `words` it came from (-1 for padding): explanations use it. */
  wordOfToken: Int16Array;
  words: string[];
  /** Words not in the vocabulary (drift monitoring reads the rate). */
  unknownWords: number;
}

export const PAD_ID = 0;

/**
 * Known words to read an unknown word as ("sofa" → couch), or undefined: the lexical index's
 * WordNet readings (`LexicalIndex.synonymOf`), so the network and retrieval read a word alike.
 */
export type UnknownWordReader = (word: string) => readonly string[] | undefined;

/** Seeded training-time changes to a description's words (never applied when serving). */
export interface Augmentation {
  /** Probability of dropping each word. */
  rate: number;
  /** Probability of keeping only a random run of 1 to 3 words, as in short commercial phrases. */
  shortPhraseRate?: number;
  random: () => number;
}

function augmentWords(words: string[], augment: Augmentation): string[] {
  const { random } = augment;
  if (augment.shortPhraseRate && random() < augment.shortPhraseRate) {
    const length = Math.min(words.length, 1 + Math.floor(random() * 3));
    const start = Math.floor(random() * (words.length - length + 1));
    return words.slice(start, start + length);
  }
  const kept = words.filter(() => random() >= augment.rate);
  return kept.length > 0 ? kept : words;
}

export class DescriptionEncoder {
  private readonly wordIds: Map<string, number>;
  private readonly bucketBase: number;
  private readonly hashUnknownWords: boolean;

  constructor(
    readonly config: EncoderConfig,
    private readonly readUnknown?: UnknownWordReader,
  ) {
    if (config.normaliserVersion !== NORMALISER_VERSION) {
      throw new Error(
        `encoder was built with normaliser v${config.normaliserVersion}, this code has v${NORMALISER_VERSION}: retrain the model`,
      );
    }
    this.wordIds = new Map(config.vocabulary.map((word, i) => [word, i + 1]));
    this.bucketBase = config.vocabulary.length + 1;
    if (config.hashUnknownWords !== undefined && typeof config.hashUnknownWords !== 'boolean') {
      throw new Error(
        `encoder.json's hashUnknownWords is ${JSON.stringify(config.hashUnknownWords)}, not true or false`,
      );
    }
    this.hashUnknownWords = config.hashUnknownWords ?? true;
  }

  /** Rows of the embedding table the model needs. */
  get inputDim(): number {
    return this.bucketBase + this.config.ngramBuckets;
  }

  encode(text: string, augment?: Augmentation): EncodedText {
    const { maxLength, maxWords, ngramSizes } = this.config;
    let words = tokenize(text).slice(0, maxWords);
    if (augment && words.length > 1) words = augmentWords(words, augment);
    const ids = new Int32Array(maxLength);
    const wordOfToken = new Int16Array(maxLength).fill(-1);
    let length = 0;
    let unknownWords = 0;
    // What the network reads for each word: the word itself or, for a word outside the
    // vocabulary that has a reading ("sofa" → couch), the reading, ids and character n-grams
    // alike, as if it had been typed in its place. Explanations still name the typed word.
    const read = words.map((word) => {
      if (this.wordIds.has(word)) return [word];
      unknownWords++;
      return this.readUnknown?.(word) ?? [word];
    });

    for (let w = 0; w < words.length && length < maxLength; w++) {
      for (const form of read[w] as readonly string[]) {
        if (length >= maxLength) break;
        const id = this.wordIds.get(form) ?? (this.hashUnknownWords ? this.bucket(`w:${form}`) : PAD_ID);
        if (id === PAD_ID) continue;
        ids[length] = id;
        wordOfToken[length++] = w;
      }
    }
    // N-grams follow the words, in word order; a repeated n-gram adds nothing to a max- or
    // mean-pool of a bag. Up to 24 word ids leave few of the 32 places, so in a long description
    // a late word may get none: reading unknown words' n-grams first gave each a place but made
    // the fusion trust the network more, and cost short trader phrases 1.6 points (BENCHMARKS).
    const seen = new Set<number>();
    for (let w = 0; w < words.length && length < maxLength; w++) {
      for (const form of read[w] as readonly string[]) {
        const padded = `<${form}>`;
        for (const n of ngramSizes) {
          for (let i = 0; i + n <= padded.length && length < maxLength; i++) {
            const id = this.bucket(padded.slice(i, i + n));
            if (seen.has(id)) continue;
            seen.add(id);
            ids[length] = id;
            wordOfToken[length++] = w;
          }
        }
      }
    }
    return { ids, wordOfToken, words, unknownWords };
  }

  /**
   * Where each word `encode` keeps came from in the original text: every occurrence's
   * [start, end) UTF-16 offsets, by word. Explanations carry these so a page can highlight the
   * typed characters without normalising anything itself.
   */
  wordSpans(text: string): Map<string, Array<{ start: number; end: number }>> {
    const spans = new Map<string, Array<{ start: number; end: number }>>();
    for (const { word, start, end } of tokenizeWithSpans(text).slice(0, this.config.maxWords)) {
      const list = spans.get(word);
      if (list) list.push({ start, end });
      else spans.set(word, [{ start, end }]);
    }
    return spans;
  }

  /** A batch as one row-major [texts.length, maxLength] buffer, ready for a tensor. */
  encodeBatch(texts: readonly string[]): Int32Array {
    const { maxLength } = this.config;
    const out = new Int32Array(texts.length * maxLength);
    texts.forEach((text, i) => out.set(this.encode(text).ids, i * maxLength));
    return out;
  }

  private bucket(key: string): number {
    return this.bucketBase + (fnv1a(key) % this.config.ngramBuckets);
  }
}
