import { bm25Tokens } from '../../models/retrieval/bm25-tokenizer';
import type { LexicalIndex } from '../../models/retrieval/lexical-index';

/**
 * For each word the network saw, what retrieval searched for instead of what was typed there,
 * when it searched for something else ("tunny" → "tuna", "troutt" → "trout"). Worked out from
 * the characters typed, not the network's normalised word: the two tokenisers differ ("tyres"
 * is a word retrieval knows, though the network folds it to "tire"), and from the whole text,
 * so the query's limits on readings and corrections apply as they did when it was searched.
 */
export function readingsOfWords(
  text: string,
  spans: ReadonlyMap<string, ReadonlyArray<{ start: number; end: number }>>,
  index: LexicalIndex,
): Map<string, string> {
  const searched = index.readingsOf(text);
  const readings = new Map<string, string>();
  if (searched.size === 0) return readings;
  for (const [word, [first]] of spans) {
    if (!first) continue;
    const typed = bm25Tokens(text.slice(first.start, first.end));
    const read = typed.map((token) => searched.get(token) ?? token).join(' ');
    if (read !== typed.join(' ')) readings.set(word, read);
  }
  return readings;
}
