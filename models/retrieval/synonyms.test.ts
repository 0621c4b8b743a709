import { readUnknownWords, Synonyms } from './synonyms';

const KNOWN = new Set(['telephone', 'couch', 'baby', 'carriage', 'cotton', 'diaper']);
const isKnown = (token: string) => KNOWN.has(token);
const PAIRS: Array<[string, string[]]> = [
  ['sofa', ['couch']],
  ['phone', ['telephone']],
  ['pram', ['baby', 'carriage']],
  ['nappy', ['diaper']],
];
const SYNONYMS = Synonyms.of(PAIRS);

describe('Synonyms', () => {
  it('finds every word it holds, and nothing else, whatever order they were given in', () => {
    for (const [word, reading] of PAIRS) expect(SYNONYMS.get(word)).toEqual(reading);
    for (const absent of ['', 'a', 'nap', 'nappyy', 'phonf', 'zzz', 'couch', 'sofa\tcouch', 'sofa\t'])
      expect(SYNONYMS.get(absent)).toBeUndefined();
    expect(Synonyms.of([...PAIRS].reverse()).toText()).toBe(SYNONYMS.toText());
    expect(Synonyms.NONE.get('sofa')).toBeUndefined();
  });

  it('tells a word from its prefixes and extensions', () => {
    const prefixes = Synonyms.of([
      ['abd', ['z']],
      ['ab', ['x']],
      ['b', ['w']],
      ['abc', ['y']],
    ]);
    expect(prefixes.toText()).toBe('ab\tx\nabc\ty\nabd\tz\nb\tw');
    expect(['ab', 'abc', 'abd', 'b'].map((w) => prefixes.get(w))).toEqual([['x'], ['y'], ['z'], ['w']]);
    for (const absent of ['a', 'abcd', 'abe', 'aa', 'bb', 'c']) expect(prefixes.get(absent)).toBeUndefined();
    expect(() => Synonyms.fromText('abc\ty\nab\tx')).toThrow(/out of order or repeat a word at "ab"/);
  });

  it('finds each of thousands of words by bisection', () => {
    const many = Synonyms.of(
      Array.from({ length: 5000 }, (_, i) => [`w${i}`, [`r${i}`]] as [string, string[]]),
    );
    for (let i = 0; i < 5000; i += 7) expect(many.get(`w${i}`)).toEqual([`r${i}`]);
    expect(many.get('w5000')).toBeUndefined();
  });

  it('round-trips through its stored form to the same readings and the same text', () => {
    const text = SYNONYMS.toText();
    expect(text).toBe('nappy\tdiaper\nphone\ttelephone\npram\tbaby carriage\nsofa\tcouch');
    expect(Synonyms.fromText(text).entries()).toEqual(SYNONYMS.entries());
    expect(Synonyms.fromText('').size).toBe(0);
  });

  it('holds a dictionary word with no reading as a word with none', () => {
    const words = Synonyms.of([['lady', []], ...PAIRS]);
    expect(words.get('lady')).toEqual([]);
    expect(words.toText()).toMatch(/^lady\t\nnappy\tdiaper\n/);
    expect(Synonyms.fromText(words.toText()).entries()).toEqual(words.entries());
  });

  it.each([
    ['a reading of more than three words', 'pram\tbaby baby baby baby'],
    ['a doubled space', 'pram\tbaby  carriage'],
    ['a trailing space', 'sofa\tcouch '],
    ['a line without a tab', 'sofa couch'],
    ['a line with no word', '\tcouch'],
    ['a space inside the word', 'so fa\tcouch'],
    ['a line with two tabs', 'sofa\tcouch\tcouch'],
    ['a carriage return', 'sofa\tcouch\r\nphone\ttelephone'],
    ['a NUL', 'sofa\tcou\0ch'],
    ['a no-break space, which would hide a fourth word', 'pram\tbaby baby baby\u00a0baby'],
    ['an empty line', 'phone\ttelephone\n\nsofa\tcouch'],
    ['a trailing newline', 'sofa\tcouch\n'],
  ])('refuses a stored form with %s', (_, text) => {
    expect(() => Synonyms.fromText(text)).toThrow(/are not lines of "word<TAB>reading"/);
  });

  // Out of order, bisection would miss words: refused rather than half-read.
  it.each([
    ['words out of order', 'sofa\tcouch\nphone\ttelephone'],
    ['a word twice', 'sofa\tcouch\nsofa\tcouch'],
  ])('refuses a stored form with %s', (_, text) => {
    expect(() => Synonyms.fromText(text)).toThrow(/out of order or repeat a word at "(phone|sofa)"/);
  });

  it('refuses, against an index, a reading for a known word or into an unknown one', () => {
    expect(SYNONYMS.checkAgainst(isKnown)).toBe(SYNONYMS);
    expect(() => Synonyms.of([['cotton', ['couch']]]).checkAgainst(isKnown)).toThrow(
      /a word the index knows/,
    );
    expect(() => Synonyms.of([['sofa', ['divan']]]).checkAgainst(isKnown)).toThrow(
      /a word the index does not know/,
    );
  });
});

describe('readUnknownWords', () => {
  it('gives what is searched for in place of each token, and leaves words neither knows to typo correction', () => {
    const words = Synonyms.of([['lady', []], ...PAIRS]);
    expect(readUnknownWords(['cotton', 'pram', 'zzz', 'lady', 'phone'], words, isKnown)).toEqual([
      ['cotton'],
      ['baby', 'carriage'],
      undefined,
      ['lady'],
      ['telephone'],
    ]);
  });

  it('never reads a word the index knows, even if the synonyms claim one', () => {
    const claims = Synonyms.of([['cotton', ['couch']]]);
    expect(readUnknownWords(['cotton'], claims, isKnown)).toEqual([['cotton']]);
  });

  it('reads at most 16 words of one query and leaves the rest as typed, not to typo correction', () => {
    const query = Array.from({ length: 40 }, () => 'sofa');
    const read = readUnknownWords(query, SYNONYMS, isKnown);
    expect(read.slice(0, 16)).toEqual(Array.from({ length: 16 }, () => ['couch']));
    expect(read.slice(16)).toEqual(Array.from({ length: 24 }, () => ['sofa']));
  });
});
