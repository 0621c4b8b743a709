import { ngramCounts, TfIdf } from './ngram-features';
import { LinearBaseline } from './linear-baseline';

const ROWS = [
  { text: 'frozen shrimp peeled', hs6: '030617' },
  { text: 'frozen prawns shell-on', hs6: '030617' },
  { text: 'cotton t-shirt knitted', hs6: '610910' },
  { text: 'knitted tee shirt of cotton', hs6: '610910' },
  { text: 'smartphone dual sim', hs6: '851712' },
  { text: 'mobile phone android smartphone', hs6: '851712' },
];
const LABELS = ['030617', '610910', '851712'];

describe('n-gram features', () => {
  it('are words, word pairs and padded character 3–5-grams, hashed the same way every time', () => {
    const counts = ngramCounts('Cotton tee');
    // 2 words + 1 pair + (6 + 5 + 4) char n-grams of " cotton " + (3 + 2 + 1) of " tee ".
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(2 + 1 + 15 + 6);
    expect(ngramCounts('cotton TEE')).toEqual(counts);
  });

  it('weigh rare n-grams above common ones and have unit length', () => {
    const tfidf = TfIdf.fit(ROWS.map((r) => r.text));
    const vector = tfidf.transform('frozen smartphone');
    const norm = Math.sqrt(vector.values.reduce((sum, v) => sum + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect([...vector.ids]).toEqual([...vector.ids].sort((a, b) => a - b));
  });
});

describe('LinearBaseline', () => {
  const baseline = LinearBaseline.train(ROWS, LABELS);
  const top = (text: string) => {
    const p = baseline.probabilities(text);
    return LABELS[p.indexOf(Math.max(...p))];
  };

  it('classifies unseen phrasings by shared words and character n-grams', () => {
    expect(top('frozen shrimps')).toBe('030617');
    expect(top('tshirts cotton')).toBe('610910');
    expect(top('smart phone')).toBe('851712');
  });

  it('returns a probability vector over the labels', () => {
    const p = baseline.probabilities('prawns');
    expect(p).toHaveLength(3);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('ignores rows whose code is not a label', () => {
    const withStranger = LinearBaseline.train([...ROWS, { text: 'frozen shrimp', hs6: '999999' }], LABELS);
    expect(withStranger.probabilities('frozen shrimps')).toHaveLength(3);
  });
});
