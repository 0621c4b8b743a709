import { tokenizeWithSpans } from '../../models/encoder/normalise';
import { LexicalIndex } from '../../models/retrieval/lexical-index';
import { Synonyms } from '../../models/retrieval/synonyms';
import { readingsOfWords } from './word-readings';

const NOMENCLATURE = [
  { hs6: '401110', text: 'Rubber; new pneumatic tyres, of a kind used on motor cars' },
  { hs6: '760719', text: 'Aluminium foil, not backed, of a thickness not exceeding 0.2mm' },
  { hs6: '851711', text: 'Line telephone sets with cordless handsets' },
];
const index = LexicalIndex.build(['401110', '760719', '851711'], [], NOMENCLATURE).withSynonyms(
  Synonyms.of([['phone', ['telephone']]]),
  'a test lexicon',
);

/** The network's words and where each came from, as the encoder reports them. */
const spansOf = (text: string) => {
  const spans = new Map<string, Array<{ start: number; end: number }>>();
  for (const { word, start, end } of tokenizeWithSpans(text)) {
    spans.set(word, [...(spans.get(word) ?? []), { start, end }]);
  }
  return spans;
};
const readings = (text: string) => readingsOfWords(text, spansOf(text), index);

describe('readingsOfWords', () => {
  it('names, by the network word, what retrieval searched for in place of the typed one', () => {
    expect(readings('cordless phones')).toEqual(new Map([['phone', 'telephone']]));
    expect(readings('aluminium fiol')).toEqual(new Map([['fiol', 'foil']]));
  });

  it('says nothing of a word retrieval knew, however the network spells it', () => {
    // The network folds "tyres" to "tire" and "aluminium" to "aluminum"; retrieval knows both as typed.
    const words = [...spansOf('car tyres aluminium').keys()];
    expect(words).toEqual(expect.arrayContaining(['tire', 'aluminum']));
    expect(readings('car tyres aluminium').size).toBe(0);
  });
});
