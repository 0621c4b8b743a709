/** How many documents hold a word; 0 for a word the index has never seen. */
export type DocumentFrequency = (word: string) => number;

/** Shorter words have too many neighbours one edit away to guess which one was meant. */
const MIN_LENGTH = 4;
/**
 * A word has about 54 × its length neighbours, each as long as itself, so the work grows with
 * the square of its length: a 1,000-letter "word" cost some 200 ms. No word a trader types is
 * this long ("polytetrafluoroethylene" has 23 letters); a longer one is left as typed.
 */
const MAX_LENGTH = 32;
/** Bounds the work per query: a long title of unknown brand names must not cost more than this. */
const MAX_CORRECTIONS = 16;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
/**
 * Words no product description means by a slip: the nomenclature is full of them ("these",
 * "those", "other", "which"), so ranked by documents they won over the goods: "chese" was read as
 * "these", not "cheese". Words that are also goods stay out of the list: down (feathers), must
 * (grape must), can (tin cans).
 */
const FUNCTION_WORDS = new Set(
  [
    'about above after again against all also although among another any anything are because',
    'been before being below between both but cannot could did doing during each either else',
    'even ever every few for from further had has have having here hers herself him himself his',
    'how however into its itself just least less like many more most much neither never nor not',
    'now off once only onto other others ought our ours over own same shall she should since some',
    'such than that the their theirs them then there therefore these they this those though',
    'through thus too under unless until upon very was were what whatever when where whether which',
    'while who whom whose why will with within without would yet you your',
  ].flatMap((line) => line.split(' ')),
);

const unchanged = (word: string): string => word;

/** A changed first letter counts a third of its documents: people seldom miss the first letter. */
const FIRST_LETTER_CHANGED = 3;

/** Every string one deletion, transposition, substitution or insertion of a letter away. */
function* neighbours(word: string): Generator<string> {
  for (let i = 0; i < word.length; i++) {
    yield word.slice(0, i) + word.slice(i + 1);
    if (i + 1 < word.length) yield word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    for (const letter of ALPHABET)
      if (letter !== word[i]) yield word.slice(0, i) + letter + word.slice(i + 1);
  }
  for (let i = 0; i <= word.length; i++)
    for (const letter of ALPHABET) yield word.slice(0, i) + letter + word.slice(i);
}

/**
 * The known word one edit away that most documents hold, a changed first letter counting a third
 * (Pollock and Zamora, 1983, found the first letter right in over 90% of misspellings, so "shose"
 * is a shoe rather than the commoner hose, while "kable" can still be a table); ties go to the
 * first in code-point order. `fold` gives the form the index stores ("shoes" → shoe). A function
 * word is never the answer, and when one keeping the first letter is the likelier reading
 * ("ohter", "thoes") the word is left as typed rather than pushed onto goods ("outer", "toe").
 */
function likeliestNeighbour(
  word: string,
  frequency: DocumentFrequency,
  fold: (word: string) => string,
): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  let functionWordScore = 0;
  for (const candidate of neighbours(word)) {
    const stored = fold(candidate);
    const documents = frequency(stored);
    if (documents === 0) continue;
    const score = candidate[0] === word[0] ? documents : documents / FIRST_LETTER_CHANGED;
    if (FUNCTION_WORDS.has(stored) || FUNCTION_WORDS.has(candidate)) {
      if (candidate[0] === word[0]) functionWordScore = Math.max(functionWordScore, score);
    } else if (score > bestScore || (score === bestScore && stored < (best as string))) {
      best = stored;
      bestScore = score;
    }
  }
  return functionWordScore > bestScore ? undefined : best;
}

/**
 * Corrections already worked out, so a misspelling that keeps coming back (one trader's habit, a
 * product line's brand name) costs one lookup instead of a few hundred. Bounded: when full it
 * starts again empty, so a client sending endless new words costs what it would without it.
 */
export class CorrectionMemo {
  private readonly remembered = new Map<string, string | undefined>();

  constructor(readonly capacity = 8192) {}

  get size(): number {
    return this.remembered.size;
  }

  correctionOf(
    word: string,
    frequency: DocumentFrequency,
    fold: (word: string) => string = unchanged,
  ): string | undefined {
    if (this.remembered.has(word)) return this.remembered.get(word);
    const corrected = likeliestNeighbour(word, frequency, fold);
    if (this.remembered.size >= this.capacity) this.remembered.clear();
    this.remembered.set(word, corrected);
    return corrected;
  }
}

/**
 * A query's tokens with each unknown Latin word of 4 to 32 letters replaced by the known
 * word one keyboard slip away (a letter dropped, doubled, swapped or mistyped) that most
 * documents hold. Known words, numbers, short words and other scripts are left as they are, and
 * a word with no known neighbour stays unknown: "honeey" finds "honey", a brand name finds
 * nothing or a harmless neighbour. Deterministic: it depends only on the index's words (a memo,
 * if given, only saves the work; it must belong to the same index). `fold` maps a candidate to
 * the form the index stores, and corrections come back in that form.
 */
export function correctTypos(
  tokens: readonly string[],
  frequency: DocumentFrequency,
  memo?: CorrectionMemo,
  fold: (word: string) => string = unchanged,
): string[] {
  let corrections = 0;
  return tokens.map((token) => {
    if (corrections >= MAX_CORRECTIONS || token.length < MIN_LENGTH || token.length > MAX_LENGTH)
      return token;
    if (!/^[a-z]+$/.test(token)) return token;
    if (frequency(token) > 0) return token;
    corrections++;
    const corrected = memo
      ? memo.correctionOf(token, frequency, fold)
      : likeliestNeighbour(token, frequency, fold);
    return corrected ?? token;
  });
}
