import { readFileSync } from 'node:fs';
import { projectFile } from '../paths';
import { foldGraphemes, replaceMapped } from './mapped-text';
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
