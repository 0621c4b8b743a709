import { readFileSync } from 'node:fs';
import { projectFile } from '../paths';
import { foldGraphemes, graphemesOf, replaceMapped } from './mapped-text';
import { tokenize, tokenizeWithSpans } from './normalise';

const typed = (text: string) => tokenizeWithSpans(text).map((t) => [t.word, text.slice(t.start, t.end)]);

describe('tokenizeWithSpans', () => {
  it('traces a word made by each normalisation rule back to the characters typed', () => {
    expect(typed(`Men's 100% cotton T-Shirts, 15" 500g Colour Kgs`)).toEqual([
      ['men', 'Men'], // possessive; "100%" states a share and is left out, number and all
      ['cotton', 'cotton'],
      ['tshirt', 'T-Shirts'], // hyphenated short prefix and plural
      ['<num2>', '15'],
      ['inch', '"'], // inches
      ['<num3>', '500'],
      ['g', 'g'], // a unit glued to its number
      ['color', 'Colour'], // spelling variant
      ['kg', 'Kgs'], // unit spelling
    ]);
  });

  it('keeps a percent sign that follows no number, from the character typed', () => {
    expect(typed('margin % 12 pcs')).toEqual([
      ['margin', 'margin'],
      ['percent', '%'],
      ['<num2>', '12'],
      ['pcs', 'pcs'],
    ]);
  });

  it('maps compatibility and full-width characters to what was typed', () => {
    expect(typed('ﬁsh ＡＢＣ café caf\u0065\u0301')).toEqual([
      ['fish', 'ﬁsh'],
      ['abc', 'ＡＢＣ'],
      ['café', 'café'],
      ['café', 'cafe\u0301'],
    ]);
  });

  it('gives the same words as tokenize on every shipped text', () => {
    const texts = [
      ...readFileSync(projectFile('data/public/hsclassify-micro/training_data_indexed.csv'), 'utf8').split(
        '\n',
      ),
      ...readFileSync(projectFile('data/public/hs2022/harmonized-system.csv'), 'utf8').split('\n'),
      "men's 1.5'' pipe, 2\"x4\" 100%-cotton 3-pack İstanbul ǅemal ﬀ",
    ];
    const differing = texts.filter(
      (text) => JSON.stringify(tokenize(text)) !== JSON.stringify(tokenizeWithSpans(text).map((t) => t.word)),
    );
    expect(differing).toEqual([]);
  });
});

describe('replaceMapped', () => {
  const identity = (text: string) => foldGraphemes(text, (g) => g);

  it('keeps the origin of captured groups and gives literals the characters they replace', () => {
    const out = replaceMapped(identity('a12"b'), /(\d)\s*"/g, '$1 inch ');
    expect(out.text).toBe('a12 inch b');
    const originOf = (i: number) => 'a12"b'.slice(out.start[i], out.end[i]);
    expect(originOf(2)).toBe('2');
    expect(originOf(4)).toBe('"'); // the "i" of inch
  });

  it('gives pure insertions a zero-width origin, so later rules do not widen a neighbour', () => {
    const out = replaceMapped(identity('5g'), /(\d)(\p{L})/gu, '$1 $2');
    expect(out.text).toBe('5 g');
    expect([out.start[1], out.end[1]]).toEqual([1, 1]);
  });
});

describe('graphemesOf', () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const viaIcu = (text: string) => [...segmenter.segment(text)].map(({ segment, index }) => [segment, index]);
  const viaOwn = (text: string) => [...graphemesOf(text)].map(({ segment, index }) => [segment, index]);

  it('splits plain ASCII exactly as ICU does, CR LF pairs and all control characters included', () => {
    const alphabet = ['\r', '\n', '\t', '\0', '\x7f', ' ', 'a', 'Z', '9', '"', "'", '-', '%'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const texts = ['', '\r\n', '\n\r', '\r\r\n\n', 'a\r\nb\rc\nd', "men's 100% cotton\r\nT-shirts"];
    for (let n = 0; n < 500; n++) {
      texts.push(Array.from({ length: next() % 24 }, () => alphabet[next() % alphabet.length]).join(''));
    }
    expect(texts.filter((text) => JSON.stringify(viaOwn(text)) !== JSON.stringify(viaIcu(text)))).toEqual([]);
  });

  it('hands any other text to ICU (combining marks, emoji, Thai)', () => {
    for (const text of ['cafe\u0301 x', '👍🏽 ok', 'ยางรถยนต์', 'ǅemal\r\n'])
      expect(viaOwn(text)).toEqual(viaIcu(text));
  });

  it('builds no ICU segmenter until a text that is not plain ASCII needs one', () => {
    const Original = Intl.Segmenter;
    let constructed = 0;
    const intl = Intl as { Segmenter: typeof Intl.Segmenter };
    intl.Segmenter = class extends Original {
      constructor(...args: ConstructorParameters<typeof Intl.Segmenter>) {
        super(...args);
        constructed++;
      }
    };
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('./mapped-text') as typeof import('./mapped-text');
        fresh.foldGraphemes("Men's 100% cotton T-shirts\r\n", (g) => g.toLowerCase());
        expect(constructed).toBe(0);
        fresh.foldGraphemes('café', (g) => g.toLowerCase());
        expect(constructed).toBe(1);
      });
    } finally {
      intl.Segmenter = Original;
    }
  });
});
