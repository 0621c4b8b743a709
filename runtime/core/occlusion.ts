import type { DescriptionEncoder, EncodedText } from '../../models/encoder';
import { PAD_ID } from '../../models/encoder';

/**
 * Word importance by occlusion: score the description again with each distinct word removed and
 * report how much the top code's probability drops. Chosen over reading Text-CNN max-pool winners
 * because it works unchanged for every architecture behind the ONNX contract (Text-CNN, BiGRU,
 * DNN, or a transformer exported elsewhere), needs no extra graph outputs, and measures what a
 * word actually does to the answer rather than a proxy of it (a max-pool winner can be outvoted by
 * the dense layer). The cost is one extra row per distinct word, scored in the same run.
 */
export interface Occlusion {
  word: string;
  ids: Int32Array;
}

const NUMBER_TOKEN = /^<num(\d)>$/;

/** Text the tokenizer turns back into these words (a number token becomes a number of its size). */
export function textOfWords(words: readonly string[]): string {
  return words
    .map((word) => {
      const digits = NUMBER_TOKEN.exec(word)?.[1];
      return digits === undefined ? word : '9'.repeat(Number(digits));
    })
    .join(' ');
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The description's tokens without those of `word`, shifted left and padded. */
export function withoutTokensOf(encoded: EncodedText, word: string): Int32Array {
  const out = new Int32Array(encoded.ids.length).fill(PAD_ID);
  let length = 0;
  for (let t = 0; t < encoded.ids.length; t++) {
    const from = encoded.wordOfToken[t] as number;
    if (from < 0) break;
    if (encoded.words[from] !== word) out[length++] = encoded.ids[t] as number;
  }
  return out;
}

/**
 * One input per distinct word, each the description without every occurrence of that word. The
 * text is re-encoded from the remaining words, so the removed word's character n-grams go too and
 * the n-grams it shared with other words stay. If re-encoding the full word list does not give
 * back the original ids (a tokenizer rule that is not idempotent), the word's tokens are cut out
 * of the original ids instead.
 */
export function occlusions(encoder: DescriptionEncoder, encoded: EncodedText): Occlusion[] {
  const distinct = [...new Set(encoded.words)];
  if (distinct.length === 0) return [];
  const faithful = sameIds(encoder.encode(textOfWords(encoded.words)).ids, encoded.ids);
  return distinct.map((word) => ({
    word,
    ids: faithful
      ? encoder.encode(textOfWords(encoded.words.filter((w) => w !== word))).ids
      : withoutTokensOf(encoded, word),
  }));
}
