import { buildEncoderConfig, DescriptionEncoder, PAD_ID, tokenize } from '../../models/encoder';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { VARIANTS } from '../../models/variants';
import { occlusions, textOfWords, withoutTokensOf } from './occlusion';

const hs = loadNomenclature();
const texts = [...hs.subheadings.values(), ...hs.headings.values()].map((e) => e.description);
const messy = [
  "Men's 100% cotton knitted T-shirts, 180g/m², size XL",
  'iPhone 15 Pro 256GB',
  '5" LCD display 12V 2.5A',
  'Ålesund bacalao 1,5kg',
  "women's pyjamas x-ray e-bike 3.5 l 4 ltr 1kg 1 kg",
];
const encoder = new DescriptionEncoder(buildEncoderConfig(texts, VARIANTS.textcnn.encoder));

describe('occlusion', () => {
  it('rebuilds text that tokenizes back to the same words, for every nomenclature text and messy input', () => {
    for (const text of [...texts, ...messy]) {
      const words = encoder.encode(text).words;
      expect(tokenize(textOfWords(words)).slice(0, words.length)).toEqual(words);
    }
  });

  it('gives one input per distinct word, equal to encoding the description without that word', () => {
    const encoded = encoder.encode('cotton cotton knitted shirts for men, 500 g');
    const result = occlusions(encoder, encoded);
    expect(result.map((o) => o.word)).toEqual(['cotton', 'knitted', 'shirt', 'men', '<num3>', 'g']);
    expect(result[0]?.ids).toEqual(encoder.encode('knitted shirts for men, 500 g').ids);
    expect(result[4]?.ids).toEqual(encoder.encode('cotton cotton knitted shirts for men g').ids);
  });

  it('has nothing to occlude in a description without words', () => {
    expect(occlusions(encoder, encoder.encode('the of and'))).toEqual([]);
  });

  it("can cut a word's tokens out of the ids, keeping the rest in order", () => {
    const encoded = encoder.encode('knitted cotton shirt');
    const cut = withoutTokensOf(encoded, 'cotton');
    const kept = [...encoded.ids].filter(
      (_, t) =>
        (encoded.wordOfToken[t] as number) >= 0 &&
        encoded.words[encoded.wordOfToken[t] as number] !== 'cotton',
    );
    expect([...cut.slice(0, kept.length)]).toEqual(kept);
    expect(cut.slice(kept.length).every((id) => id === PAD_ID)).toBe(true);
    expect(kept.length).toBeLessThan(encoded.ids.filter((id) => id !== PAD_ID).length);
  });
});
