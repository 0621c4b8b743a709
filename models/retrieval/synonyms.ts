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

const TAB = 9;

/**
 * Unknown word → the known words it is read as ("phone" → telephone), or no words at all for a
 * dictionary word with no reading the index knows ("lady"): a word, so never "corrected" into
 * another. Held as the stored text itself and the offset of each line, searched by bisection:
 * loading tens of thousands of readings makes no string per line (as a Map or arrays of them
 * did, at tens of milliseconds of every cold start), and a query looks up only its few unknown
 * words.
 */
export class Synonyms {
  static readonly NONE = new Synonyms('', new Int32Array([1]));

  private constructor(
    private readonly text: string,
    /** Where each line starts, in order, then one past the end of the text (a last line's end + 1). */
    private readonly starts: Int32Array,
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
    let lines = 1;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
    const starts = new Int32Array(lines + 1);
    for (let line = 1, at = 0; line <= lines; line++) {
      const newline = text.indexOf('\n', at);
      at = newline === -1 ? text.length + 1 : newline + 1;
      starts[line] = at;
    }
    const synonyms = new Synonyms(text, starts);
    for (let line = 1; line < lines; line++) {
      if (synonyms.compareWord(line, text, starts[line - 1] as number) <= 0) {
        const word = synonyms.wordAt(line);
        throw new Error(
          `the lexical index's synonyms are out of order or repeat a word at "${word.slice(0, 60)}"`,
        );
      }
    }
    return synonyms;
  }

  get size(): number {
    return this.starts.length - 1;
  }

  /** The word's reading ([] for a word with none), or undefined when the word is not held. */
  get(word: string): string[] | undefined {
    // A tab would end the word early in the comparison below; no stored word is empty.
    if (word === '' || word.includes('\t')) return undefined;
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.compareWord(middle, word, 0, word.length);
      if (order === 0) {
        const reading = this.readingAt(middle);
        return reading === '' ? [] : reading.split(' ');
      }
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** One line per word, "word<TAB>reading words separated by spaces", in JavaScript string order. */
  toText(): string {
    return this.text;
  }

  entries(): Array<[string, string[]]> {
    return Array.from({ length: this.size }, (_, line) => [
      this.wordAt(line),
      this.get(this.wordAt(line)) as string[],
    ]);
  }

  /** Refuses a reading for a word the index knows or into a word it does not: what training must never build. */
  checkAgainst(isKnown: (token: string) => boolean): this {
    for (let line = 0; line < this.size; line++) {
      const word = this.wordAt(line);
      const reading = this.readingAt(line);
      const fault = isKnown(word)
        ? 'gives a reading for a word the index knows'
        : reading !== '' && !reading.split(' ').every(isKnown)
          ? 'reads the word into a word the index does not know'
          : undefined;
      if (fault) throw new Error(`the synonym "${word}" → "${reading}" ${fault}`);
    }
    return this;
  }

  private wordAt(line: number): string {
    const start = this.starts[line] as number;
    return this.text.slice(start, this.text.indexOf('\t', start));
  }

  private readingAt(line: number): string {
    return this.text.slice(
      this.text.indexOf('\t', this.starts[line] as number) + 1,
      (this.starts[line + 1] as number) - 1,
    );
  }

  /**
   * The sign of (word of `line`) − (the word in `other` from `from`, up to a tab or `end`), in
   * UTF-16 code units: what bisection and the order check compare, without slicing either.
   */
  private compareWord(line: number, other: string, from: number, end = other.length): number {
    const { text } = this;
    for (let i = this.starts[line] as number, j = from; ; i++, j++) {
      const a = text.charCodeAt(i);
      const b = j < end ? other.charCodeAt(j) : TAB;
      // A tab ends a word (and sorts before every character a word may hold).
      if (a === TAB || b === TAB) return a === TAB ? (b === TAB ? 0 : -1) : 1;
      if (a !== b) return a - b;
    }
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
