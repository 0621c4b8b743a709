/** A reading is a word or a short name ("baby carriage"), never a phrase that could swamp the query. */
export const MAX_READING_TOKENS = 3;
/** Bounds how far one query can grow: a title of many unknown words gains at most this many readings. */
const MAX_READINGS = 16;

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// A word is any run without whitespace or control characters; a line is a word, a tab and 0 to
// 3 such words separated by single spaces (none: "a word, with no reading").
const WORD = '[^\\s\\x00-\\x1f\\x7f]+';
const LINE = `${WORD}\\t(?:${WORD}(?: ${WORD}){0,${MAX_READING_TOKENS - 1}})?`;
const STORED_FORM = new RegExp(`^${LINE}(?:\\n${LINE})*$`);

/**
 * Unknown word → the known words it is read as ("phone" → telephone), or no words at all for a
 * dictionary word with no reading the index knows ("lady"): a word, so never "corrected" into
 * another. Held as two sorted arrays and searched by bisection rather than as a Map: a model
 * loads its readings in a few milliseconds (a Map of them cost some 20 ms more at every cold
 * start), and a query looks up only its few unknown words.
 */
export class Synonyms {
  static readonly NONE = new Synonyms([], []);

  private constructor(
    private readonly words: readonly string[],
    /** Aligned with `words`: each reading's words, space-separated ('' for none). */
    private readonly readings: readonly string[],
  ) {}

  /** From word → reading pairs in any order; refuses what the stored form cannot hold. */
  static of(pairs: Iterable<readonly [string, readonly string[]]>): Synonyms {
    const sorted = [...pairs].sort(([a], [b]) => byCodeUnit(a, b));
    return Synonyms.fromText(sorted.map(([word, reading]) => `${word}\t${reading.join(' ')}`).join('\n'));
  }

  /**
   * Reads `toText`'s form back, refusing anything it would not have written: a malformed line,
   * or lines out of order (bisection would miss words). Whether the words are known to an index
   * is for `checkAgainst`: the query side never reads a known word whatever a file says.
   */
  static fromText(text: string): Synonyms {
    if (text === '') return Synonyms.NONE;
    if (!STORED_FORM.test(text)) {
      throw new Error(
        `the lexical index's synonyms are not lines of "word<TAB>reading" (0 to ${MAX_READING_TOKENS} words, single spaces)`,
      );
    }
    const words: string[] = [];
    const readings: string[] = [];
    for (let start = 0; start < text.length;) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      const tab = text.indexOf('\t', start);
      const word = text.slice(start, tab);
      if (words.length > 0 && (words[words.length - 1] as string) >= word) {
        throw new Error(
          `the lexical index's synonyms are out of order or repeat a word at "${word.slice(0, 60)}"`,
        );
      }
      words.push(word);
      readings.push(text.slice(tab + 1, end));
      start = end + 1;
    }
    return new Synonyms(words, readings);
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's reading ([] for a word with none), or undefined when the word is not held. */
  get(word: string): string[] | undefined {
    let low = 0;
    let high = this.words.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.words[middle] as string;
      if (found === word) {
        const reading = this.readings[middle] as string;
        return reading === '' ? [] : reading.split(' ');
      }
      if (found < word) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** One line per word, "word<TAB>reading words separated by spaces", in JavaScript string order. */
  toText(): string {
    return this.words.map((word, i) => `${word}\t${this.readings[i] as string}`).join('\n');
  }

  entries(): Array<[string, string[]]> {
    return this.words.map((word) => [word, this.get(word) as string[]]);
  }

  /** Refuses a reading for a word the index knows or into a word it does not: what training must never build. */
  checkAgainst(isKnown: (token: string) => boolean): this {
    this.words.forEach((word, i) => {
      const reading = this.readings[i] as string;
      const fault = isKnown(word)
        ? 'gives a reading for a word the index knows'
        : reading !== '' && !reading.split(' ').every(isKnown)
          ? 'reads the word into a word the index does not know'
          : undefined;
      if (fault) throw new Error(`the synonym "${word}" → "${reading}" ${fault}`);
    });
    return this;
  }
}

/**
 * What retrieval searches for in place of each of a query's tokens: the token itself when the
 * index knows it, its reading when the synonyms have one, the token as typed for a dictionary
 * word without one (or past the query's share of readings), and undefined for a word neither
 * knows: those are left to typo correction. Known words are never touched, whatever the
 * synonyms hold, so a reading adds evidence where there was none without changing what a known
 * word means.
 */
export function readUnknownWords(
  tokens: readonly string[],
  synonyms: Synonyms,
  isKnown: (token: string) => boolean,
): Array<string[] | undefined> {
  let readings = 0;
  return tokens.map((token) => {
    if (isKnown(token)) return [token];
    const reading = synonyms.get(token);
    if (reading === undefined) return undefined;
    if (reading.length === 0 || readings >= MAX_READINGS) return [token];
    readings++;
    return reading;
  });
}
