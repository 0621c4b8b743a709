import { fnv1a } from '../models/encoder/hash';

/** Words a trader's phrase never consists of: the nomenclature's connectives and hedges. */
const GLUE = new Set(
  'and the for with than not other others more less whether their its including excluding containing thereof n.e.c'.split(
    ' ',
  ),
);

/**
 * A held-out row as a trader might declare it: a run of one to three of its content words, chosen by a
 * seeded hash of the text (the same run every time). Nomenclature and tariff texts are long and
 * share most of their words with training rows; users send short phrases, and a threshold or a
 * fusion weight tuned on the long texts would trust the model far more than such phrases allow.
 */
export function traderPhrase(text: string, seed: number): string {
  const words = text.split(/[\s,;:()]+/).filter((w) => /\p{L}{3}/u.test(w) && !GLUE.has(w.toLowerCase()));
  if (words.length <= 1) return text;
  const hash = fnv1a(`${seed}:phrase:${text}`);
  const length = Math.min(words.length, 1 + (hash % 3));
  const start = Math.floor(hash / 3) % (words.length - length + 1);
  return words.slice(start, start + length).join(' ');
}
