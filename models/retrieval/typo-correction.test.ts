import { CorrectionMemo, correctTypos } from './typo-correction';

/** Document frequencies of a tiny vocabulary. */
const KNOWN = new Map([
  ['honey', 40],
  ['money', 3],
  ['vinegar', 12],
  ['kiwifruit', 2],
  ['flake', 9],
  ['instant', 5],
  ['lard', 4],
  ['card', 30],
  ['bottle', 50],
  ['botte', 1],
  ['cheese', 6],
  ['these', 900],
  ['shoe', 8],
  ['hose', 20],
  ['other', 2000],
  ['otter', 1],
  ['outer', 40],
  ['kale', 1],
  ['table', 300],
  ['mustard', 7],
  ['must', 5],
]);
const frequency = (word: string) => KNOWN.get(word) ?? 0;

describe('correctTypos', () => {
  it.each([
    ['honeey', 'honey'], // a doubled letter
    ['vinegr', 'vinegar'], // a dropped letter
    ['kwiifruit', 'kiwifruit'], // two letters swapped
    ['flkae', 'flake'], // swapped, mid-word
    ['insyant', 'instant'], // a neighbouring key
  ])('finds the word one slip away: %s → %s', (typo, word) => {
    expect(correctTypos([typo], frequency)).toEqual([word]);
  });

  it('prefers the neighbour more documents hold', () => {
    // "honex" is one edit from "honey" (40 documents) and two from "money".
    expect(correctTypos(['honex'], frequency)).toEqual(['honey']);
    // "bottel": "bottle" (50) beats "botte" (1), both one edit away.
    expect(correctTypos(['bottel'], frequency)).toEqual(['bottle']);
  });

  it('never reads a slip as a function word, however many documents hold it', () => {
    // "chese" is one edit from "these" (900 documents) and from "cheese" (6).
    expect(correctTypos(['chese'], frequency)).toEqual(['cheese']);
  });

  it('leaves a likelier slip of a function word as typed, rather than pushing it onto goods', () => {
    // "ohter" is "other" swapped; "outer" is one edit away too, but was not meant.
    expect(correctTypos(['ohter'], frequency)).toEqual(['ohter']);
  });

  it('reads slips of goods words that are also English words: grape must', () => {
    expect(correctTypos(['msut'], frequency)).toEqual(['must']);
  });

  it('discounts a changed first letter without forbidding it', () => {
    // "shose": "hose" (20 documents, a third for the changed first letter) against "shoe" (8).
    expect(correctTypos(['shose'], frequency)).toEqual(['shoe']);
    // "kable": "table" (300, counted as 100) still beats "kale" (1), which keeps the first letter.
    expect(correctTypos(['kable'], frequency)).toEqual(['table']);
    // No neighbour of "xheese" starts with x: the first letter was the slip.
    expect(correctTypos(['xheese'], frequency)).toEqual(['cheese']);
  });

  it('searches the form the index stores when given one', () => {
    const stored = (word: string) => (word.endsWith('s') ? word.slice(0, -1) : word);
    // "tabless" → "tables", unknown as typed, known as "table".
    expect(correctTypos(['tabless'], frequency, undefined, stored)).toEqual(['table']);
  });

  it('leaves known words, short words, numbers, other scripts and hopeless words alone', () => {
    const tokens = ['honey', 'lad', 'crd', '500g', '冷冻', 'nescafé', 'zzzzzzz'];
    expect(correctTypos(tokens, frequency)).toEqual(tokens);
  });

  it('does not turn one known word into another', () => {
    // "money" is known, however much more common "honey" is.
    expect(correctTypos(['money'], frequency)).toEqual(['money']);
  });

  it('bounds the work per query: only the first sixteen unknown words are looked at', () => {
    const tokens = Array.from({ length: 40 }, () => 'honeey');
    const corrected = correctTypos(tokens, frequency);
    expect(corrected.filter((t) => t === 'honey')).toHaveLength(16);
    expect(corrected.slice(16).every((t) => t === 'honeey')).toBe(true);
  });

  it('bounds the work per word: a word over 32 letters is left as typed without a single lookup', () => {
    let lookups = 0;
    const counting = (word: string) => {
      lookups++;
      return frequency(word);
    };
    const long = 'honey'.repeat(200);
    expect(correctTypos([long], counting)).toEqual([long]);
    expect(lookups).toBe(0);
    // 32 letters is still a word: one unknown lookup, then its neighbours.
    const longest = `${'a'.repeat(27)}honey`;
    correctTypos([longest], counting);
    expect(lookups).toBeGreaterThan(1000);
  });

  it('is deterministic when neighbours tie: the first in code-point order', () => {
    const both = (word: string) => (word === 'abcde' || word === 'abcdf' ? 7 : 0);
    expect(correctTypos(['abcdx'], both)).toEqual(['abcde']);
  });
});

describe('CorrectionMemo', () => {
  const queries = [
    ['honeey', 'vinegr'],
    ['bottel', 'honeey'],
    ['zzzzzzz', 'kwiifruit'],
    ['honex', 'zzzzzzz'],
  ];

  it('gives the same corrections as working each one out, and looks each word up once', () => {
    const memo = new CorrectionMemo();
    let lookups = 0;
    const counted = (word: string) => {
      lookups++;
      return frequency(word);
    };
    for (const tokens of queries)
      expect(correctTypos(tokens, counted, memo)).toEqual(correctTypos(tokens, frequency));
    const afterFirstPass = lookups;
    for (const tokens of queries) correctTypos(tokens, counted, memo);
    // The second pass only asks whether each token is known: one lookup per token.
    expect(lookups - afterFirstPass).toBe(queries.flat().length);
  });

  it('never holds more than its capacity, whatever stream of new words arrives', () => {
    const memo = new CorrectionMemo(5);
    for (let i = 0; i < 200; i++) {
      correctTypos(
        [`qwxz${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`],
        frequency,
        memo,
      );
      expect(memo.size).toBeLessThanOrEqual(5);
    }
    // Still correct after being emptied and refilled.
    expect(correctTypos(['honeey'], frequency, memo)).toEqual(['honey']);
  });

  it('keeps the sixteen-word bound per query', () => {
    const memo = new CorrectionMemo();
    const tokens = Array.from({ length: 40 }, () => 'honeey');
    expect(correctTypos(tokens, frequency, memo).filter((t) => t === 'honey')).toHaveLength(16);
  });
});
