import { DescriptionEncoder, buildEncoderConfig, tokenize } from './index';
import { VARIANTS } from '../variants';
import { fnv1a } from './hash';

describe('tokenize', () => {
  it('folds case, possessives, plurals, hyphenated short prefixes and spelling variants', () => {
    expect(tokenize("Men's 100% Cotton knitted T-Shirts")).toEqual(['men', 'cotton', 'knitted', 'tshirt']);
    expect(tokenize('Aluminium tyres, grey colour')).toEqual(['aluminum', 'tire', 'gray', 'color']);
    // Each variant folds onto its own word: a flavour is not a favour.
    expect(tokenize('flavour favour')).toEqual(['flavor', 'favor']);
  });

  it('leaves percentages out, so an invoice share reads like the goods alone', () => {
    expect(tokenize('mens 100% cotton knitted t-shirt')).toEqual(tokenize("men's cotton knitted t-shirt"));
    expect(tokenize('containing 85 percent or more by weight of cotton')).toEqual([
      'containing',
      'more',
      'weight',
      'cotton',
    ]);
    // Only a share is left out: PCTs (polychlorinated terphenyls) and a lone "percent" stay.
    expect(tokenize('PCTs, percent')).toEqual(['pct', 'percent']);
    expect(tokenize('hand sanitizer gel 70 % alcohol, 500 ml')).toEqual([
      'hand',
      'sanitizer',
      'gel',
      'alcohol',
      '<num3>',
      'ml',
    ]);
  });

  it('separates numbers from units and folds unit spellings', () => {
    expect(tokenize('frozen shrimp 500g bag')).toEqual(['frozen', 'shrimp', '<num3>', 'g', 'bag']);
    expect(tokenize('2 Litres')).toEqual(['<num1>', 'l']);
    expect(tokenize('laptop 14"')).toEqual(['laptop', '<num2>', 'inch']);
  });

  it('keeps non-Latin scripts as words', () => {
    expect(tokenize('เสื้อยืด cotton')).toEqual(['เสื้อยืด', 'cotton']);
    expect(tokenize('棉质T恤')).toHaveLength(1);
  });
});

describe('DescriptionEncoder', () => {
  const params = { ...VARIANTS.textcnn.encoder, minWordCount: 1, ngramBuckets: 1000 };
  const config = buildEncoderConfig(['cotton shirt', 'cotton trousers', 'steel screw'], params);
  const encoder = new DescriptionEncoder(config);

  it('builds a frequency-ordered, deterministic vocabulary', () => {
    expect(config.vocabulary[0]).toBe('cotton');
    expect(buildEncoderConfig(['steel screw', 'cotton trousers', 'cotton shirt'], params)).toEqual(config);
  });

  it('emits word ids, then n-gram buckets, padded to maxLength', () => {
    const encoded = encoder.encode('cotton shirt');
    expect(encoded.ids).toHaveLength(params.maxLength);
    expect(encoded.ids[0]).toBe(1 + config.vocabulary.indexOf('cotton'));
    expect(encoded.ids[1]).toBe(1 + config.vocabulary.indexOf('shirt'));
    const ngramIds = [...encoded.ids.slice(2)].filter((id) => id !== 0);
    expect(ngramIds.length).toBeGreaterThan(5);
    for (const id of ngramIds) {
      expect(id).toBeGreaterThan(config.vocabulary.length);
      expect(id).toBeLessThan(encoder.inputDim);
    }
    expect(encoded.unknownWords).toBe(0);
    expect(encoded.wordOfToken[0]).toBe(0);
    expect(encoded.wordOfToken[params.maxLength - 1]).toBe(-1);
  });

  it('maps an unseen word to buckets that share n-grams with a known spelling', () => {
    const known = encoder.encode('trousers');
    const unseen = encoder.encode('trouser-legs');
    expect(unseen.unknownWords).toBeGreaterThan(0);
    const shared = [...unseen.ids].filter((id) => id !== 0 && known.ids.includes(id));
    expect(shared.length).toBeGreaterThan(3);
  });

  it('reads a word outside the vocabulary by its character n-grams alone', () => {
    expect(config.hashUnknownWords).toBe(false);
    const V = config.vocabulary.length;
    const bucket = (key: string) => V + 1 + (fnv1a(key) % params.ngramBuckets);
    const grams = (word: string) =>
      [...`<${word}>`].slice(0, -2).map((_, i) => bucket(`<${word}>`.slice(i, i + 3)));
    const padded = (ids: number[]) => [...ids, ...Array<number>(params.maxLength - ids.length).fill(0)];
    const distinct = (ids: number[]) => [...new Set(ids)];
    const cotton = 1 + config.vocabulary.indexOf('cotton');
    const encoded = encoder.encode('cotton sofa');
    const expected = [cotton, ...distinct([...grams('cotton'), ...grams('sofa')])];
    expect([...encoded.ids]).toEqual(padded(expected));
    expect([...encoded.wordOfToken]).toEqual([
      0,
      ...expected.slice(1).map((id) => (grams('cotton').includes(id) ? 0 : 1)),
      ...Array<number>(params.maxLength - expected.length).fill(-1),
    ]);
    // Encoders written before the choice was recorded also gave the word a hashed id of its
    // own, after the known words' ids: a model trained that way keeps reading text as it was
    // trained to.
    const { hashUnknownWords: _, ...older } = config;
    expect([...new DescriptionEncoder(older).encode('cotton sofa').ids]).toEqual(
      padded([cotton, bucket('w:sofa'), ...expected.slice(1)]),
    );
    expect(
      () => new DescriptionEncoder({ ...config, hashUnknownWords: 'false' as unknown as boolean }),
    ).toThrow(/hashUnknownWords/);
  });

  it('reads an unknown word as the known words a reader gives, as if they had been typed', () => {
    const readings = new Map([
      ['sofa', ['cotton', 'screw']],
      ['divan', ['unheard']],
    ]);
    const reading = new DescriptionEncoder(config, (word) => readings.get(word));
    const read = reading.encode('steel sofa');
    // The same ids, word ids and n-grams, as "steel cotton screw" typed...
    expect([...read.ids]).toEqual([...encoder.encode('steel cotton screw').ids]);
    // ...but every id of the reading belongs to the typed word, for explanations.
    expect(read.words).toEqual(['steel', 'sofa']);
    expect(new Set(read.wordOfToken.slice(1).filter((w) => w !== -1))).toEqual(new Set([0, 1]));
    expect(read.wordOfToken[1]).toBe(1);
    expect(read.wordOfToken[2]).toBe(1);
    // Still an unknown word, for drift monitoring.
    expect(read.unknownWords).toBe(1);
    // A reading the vocabulary lacks is encoded as that word typed.
    expect([...reading.encode('divan').ids]).toEqual([...encoder.encode('unheard').ids]);
    // Known words are never given to the reader.
    const asked: string[] = [];
    new DescriptionEncoder(config, (word) => (asked.push(word), undefined)).encode('cotton sofa screw');
    expect(asked).toEqual(['sofa']);
    expect([...new DescriptionEncoder(config, () => undefined).encode('cotton sofa').ids]).toEqual([
      ...encoder.encode('cotton sofa').ids,
    ]);
  });

  it('never lets a reading push ids past maxLength', () => {
    const long = new DescriptionEncoder(config, () => ['cotton', 'shirt', 'steel']);
    const encoded = long.encode(Array.from({ length: 40 }, (_, i) => `unknown${i}`).join(' '));
    expect(encoded.ids).toHaveLength(params.maxLength);
    expect(encoded.wordOfToken).toHaveLength(params.maxLength);
    expect([...encoded.ids].every((i) => i > 0 && i < encoder.inputDim)).toBe(true);
  });

  it('never emits negative or out-of-range ids (ONNX Gather would wrap them)', () => {
    const batch = encoder.encodeBatch(['', 'x'.repeat(5000), '∑∂ƒ©˙∆˚¬', 'cotton '.repeat(100)]);
    for (const id of batch) {
      expect(id).toBeGreaterThanOrEqual(0);
      expect(id).toBeLessThan(encoder.inputDim);
    }
  });

  it('drops words with a seeded random source during training only', () => {
    let calls = 0;
    const dropAll = { rate: 1, random: () => (calls++, 0.5) };
    const encoded = encoder.encode('cotton shirt trousers', dropAll);
    // Dropping every word would leave nothing to learn from; the text is kept whole instead.
    expect(encoded.words).toEqual(['cotton', 'shirt', 'trouser']);
    expect(calls).toBe(3);
  });
});

describe('training augmentation', () => {
  const encoder = new DescriptionEncoder(
    buildEncoderConfig(['frozen shrimp in brine bag', 'cotton knitted t-shirt for men'], {
      maxLength: 24,
      maxWords: 12,
      minWordCount: 1,
      maxVocabulary: 100,
      ngramSizes: [3],
      ngramBuckets: 64,
    }),
  );

  it('keeps a contiguous run of one to three words when cropping', () => {
    let state = 7;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 50; i++) {
      const { words } = encoder.encode('frozen shrimp in brine bag', { rate: 0, shortPhraseRate: 1, random });
      expect(words.length).toBeGreaterThanOrEqual(1);
      expect(words.length).toBeLessThanOrEqual(3);
      expect(tokenize('frozen shrimp in brine bag').join(' ')).toContain(words.join(' '));
    }
  });

  it('draws the same crops from the same seed', () => {
    const crops = (seed: number) => {
      let state = seed;
      const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
      return Array.from({ length: 20 }, () =>
        encoder
          .encode('cotton knitted t-shirt for men', { rate: 0.1, shortPhraseRate: 0.5, random })
          .words.join(' '),
      );
    };
    expect(crops(11)).toEqual(crops(11));
    expect(crops(11)).not.toEqual(crops(12));
  });
});
