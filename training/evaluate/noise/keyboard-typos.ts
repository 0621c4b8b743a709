import { integer, pick, type Random } from './choice';

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'] as const;

/**
 * The keys around each letter on a QWERTY keyboard: the same row either side, and the two keys
 * touching it in the row above and below (each row sits half a key to the right of the one above).
 */
export const QWERTY_NEIGHBOURS: ReadonlyMap<string, string> = (() => {
  const neighbours = new Map<string, string>();
  ROWS.forEach((row, r) => {
    [...row].forEach((key, c) => {
      const around = [row[c - 1], row[c + 1], ROWS[r - 1]?.[c], ROWS[r - 1]?.[c + 1]];
      around.push(ROWS[r + 1]?.[c - 1], ROWS[r + 1]?.[c]);
      neighbours.set(key, around.filter((k): k is string => k !== undefined).join(''));
    });
  });
  return neighbours;
})();

export const TYPO_KINDS = ['adjacent-key', 'dropped', 'doubled', 'transposed'] as const;
export type TypoKind = (typeof TYPO_KINDS)[number];

const sameCase = (letter: string, like: string) =>
  like === like.toUpperCase() ? letter.toUpperCase() : letter;

/**
 * One slip of the fingers in `word` at `position` (never the first letter, which people rarely
 * miss); `random` chooses which neighbouring key. Returns undefined when that slip cannot change
 * this word there: a non-letter, or transposing two equal letters.
 */
export function typo(word: string, kind: TypoKind, position: number, random: Random): string | undefined {
  const char = word[position];
  if (position < 1 || char === undefined || !/[a-z]/i.test(char)) return undefined;
  const before = word.slice(0, position);
  const after = word.slice(position + 1);
  switch (kind) {
    case 'adjacent-key': {
      const keys = QWERTY_NEIGHBOURS.get(char.toLowerCase()) ?? '';
      return keys === '' ? undefined : before + sameCase(pick([...keys], random), char) + after;
    }
    case 'dropped':
      return before + after;
    case 'doubled':
      return before + char + char + after;
    case 'transposed': {
      const next = word[position + 1];
      if (next === undefined || next.toLowerCase() === char.toLowerCase() || !/[a-z]/i.test(next)) {
        return undefined;
      }
      return before + next + char + word.slice(position + 2);
    }
  }
}

/**
 * `count` typos in distinct words of at least four letters (three when the text has no longer
 * word), each of a random kind at a random position. Returns the text unchanged when it has no
 * such word.
 */
export function withTypos(text: string, count: number, random: Random): string {
  const words = [...text.matchAll(/[a-z]{4,}/gi)];
  const candidates = words.length > 0 ? words : [...text.matchAll(/[a-z]{3,}/gi)];
  const chosen = new Set<number>();
  let out = text;
  const order = [...candidates.keys()];
  for (let i = 0; i < count && order.length > 0; i++) {
    const index = order.splice(integer(0, order.length - 1, random), 1)[0] as number;
    chosen.add(index);
  }
  // Later matches first, so the offsets of earlier ones stay valid after an edit.
  for (const index of [...chosen].sort((a, b) => b - a)) {
    const match = candidates[index] as RegExpExecArray;
    const word = match[0];
    for (let attempt = 0; attempt < 4; attempt++) {
      const slipped = typo(word, pick(TYPO_KINDS, random), integer(1, word.length - 1, random), random);
      if (slipped !== undefined) {
        out = out.slice(0, match.index) + slipped + out.slice(match.index + word.length);
        break;
      }
    }
  }
  return out;
}
