import { traderPhrase } from './trader-phrase';

const TARIFF =
  'Men’s or boys’ shirts: Of cotton: Other than those with two or more colors in the warp and/or the filling: Dress shirts';

describe('traderPhrase', () => {
  it('is a run of one to three content words of the text, never its connectives', () => {
    for (let seed = 0; seed < 50; seed++) {
      const phrase = traderPhrase(TARIFF, seed);
      const words = phrase.split(' ');
      expect(words.length).toBeGreaterThanOrEqual(1);
      expect(words.length).toBeLessThanOrEqual(3);
      expect(words.some((w) => ['and', 'than', 'other', 'Other', 'the'].includes(w))).toBe(false);
      expect(TARIFF.replace(/[,:;]/g, '')).toContain(words[0]);
    }
  });

  it('is the same phrase for the same text and seed, and varies with the seed', () => {
    expect(traderPhrase(TARIFF, 3)).toBe(traderPhrase(TARIFF, 3));
    expect(new Set(Array.from({ length: 20 }, (_, s) => traderPhrase(TARIFF, s))).size).toBeGreaterThan(5);
  });

  it('leaves a one-word text as it is', () => {
    expect(traderPhrase('mascara', 1)).toBe('mascara');
  });
});
