import { withoutInvoiceTail } from '../text/invoice-tail';

/**
 * Words that carry no classification signal in product descriptions or in the nomenclature.
 * Deliberately short: "not", "other" and "excluding" stay, because the nomenclature's wording
 * depends on them and IDF already discounts them.
 */
const STOP_WORDS = new Set([
  ...'a an and are as at be by for from has have in into is it its of on or so'.split(' '),
  ...'than that the their this to was were which with whether'.split(' '),
]);

/**
 * Harman's S-stemmer (1991): folds English plurals ("shirts" → "shirt", "batteries" →
 * "battery", "horses" → "horse") so a description and the nomenclature meet, without the
 * aggressive conflations of a full stemmer.
 */
export function singular(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies'))
    return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !/(aes|ees|oes)$/.test(word)) return word.slice(0, -1);
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Scripts written without spaces between words: a "word" there is a whole phrase. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Scripts in which one character is already a word: 米 is rice, 锂 lithium, 虾 shrimp. */
const IDEOGRAPHIC = /\p{Script=Han}/u;

/**
 * Overlapping character pairs of an unspaced run ("冷冻虾" → "冷冻", "冻虾"), its whole self when
 * shorter, after its Chinese characters one by one: a pair alone missed "大米" (rice) against
 * "精米" and "香米", and "锂电池" (lithium battery) matched electric cars' "电池" as well as
 * batteries. Unigrams and bigrams together are the usual index for Chinese search; single Thai
 * letters mean nothing, so Thai keeps pairs only.
 */
function unspacedTokens(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return [run];
  const pairs =
    chars.length === 2 ? [run] : chars.slice(0, -1).map((c, i) => `${c}${chars[i + 1] as string}`);
  return [...chars.filter((c) => IDEOGRAPHIC.test(c)), ...pairs];
}

/**
 * Bumped whenever the tokens of a text change: a stored index (see `lexical-index.ts`) records
 * the version it was built with and is refused by code that tokenises differently.
 */
export const BM25_TOKENIZER_VERSION = 4;

/**
 * Lower-case words (letters or digits in any script, accents removed) of the goods, not of the
 * logistics tail ("…, FOB NINGBO": see `invoice-tail.ts`), minus stop words,
 * one-character words and quantities ("500g", "100", "205/55r16": invoices vary them freely), made
 * singular. A hyphenated compound also yields its joined form ("t-shirt" → "tshirt", "shirt"), so
 * it matches both "T-shirts" and "tshirts". Text in a script without spaces (Chinese, Thai…)
 * becomes overlapping character pairs, Chinese characters single ones too, so "冷冻虾" meets
 * "冷冻南美白虾".
 */
export function bm25Tokens(text: string): string[] {
  const folded = withoutInvoiceTail(text)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  const tokens: string[] = [];
  const keep = (word: string): void => {
    if (UNSPACED.test(word)) tokens.push(...unspacedTokens(word));
    else if (word.length >= 2 && !STOP_WORDS.has(word) && !/^\p{N}/u.test(word)) tokens.push(singular(word));
  };
  for (const [compound] of folded.matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu)) {
    const parts = compound.split('-');
    if (parts.length > 1) keep(parts.join(''));
    parts.forEach(keep);
  }
  return tokens;
}
