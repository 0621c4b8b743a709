import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { toHs6 } from '../hs/code';
import { loadNomenclature } from '../hs/nomenclature';
import { projectFile } from '../paths';
import { Bm25Classifier, Bm25Index, nomenclatureDocuments } from './bm25';
import { bm25Tokens } from './bm25-tokenizer';
import { MetricsAccumulator } from '../../training/evaluate/metrics';

describe('bm25Tokens', () => {
  it('lower-cases, drops stop words and one-letter words, folds plurals and keeps compounds joined', () => {
    expect(bm25Tokens("Men's T-shirts, of COTTON")).toEqual(['men', 'tshirt', 'shirt', 'cotton']);
    expect(bm25Tokens('Lithium batteries; glass bottles')).toEqual(['lithium', 'battery', 'glass', 'bottle']);
    expect(bm25Tokens('Café crème 250g, 100% arabica')).toEqual(['cafe', 'creme', 'arabica']);
  });

  it('reads unspaced scripts as overlapping character pairs, Chinese characters one by one too', () => {
    expect(bm25Tokens('冷冻虾')).toEqual(['冷', '冻', '虾', '冷冻', '冻虾']);
    expect(bm25Tokens('棉质T恤')).toEqual(['棉', '质', '恤', '棉质', '质t', 't恤']);
    expect(bm25Tokens('原油')).toEqual(['原', '油', '原油']);
    expect(bm25Tokens('米')).toEqual(['米']);
    // A Thai letter is not a word: pairs only.
    expect(bm25Tokens('กุ้ง').every((token) => [...token].length === 2)).toBe(true);
  });
});

describe('Bm25Index', () => {
  const index = new Bm25Index([
    { hs6: '000001', text: 'apple banana' },
    { hs6: '000002', text: 'apple cherry cherry' },
    { hs6: '000003', text: 'apple' },
  ]);

  it('computes Okapi BM25 with k1 = 1.2 and b = 0.75', () => {
    // "banana": df 1 of N 3 → idf = ln(1 + 2.5/1.5); doc 1 has tf 1, length 2, average length 2.
    const idf = Math.log(1 + 2.5 / 1.5);
    const expected = (idf * 1 * 2.2) / (1 + 1.2 * (1 - 0.75 + (0.75 * 2) / 2));
    const scores = index.scores('banana');
    expect(scores[0]).toBeCloseTo(expected, 10);
    expect(scores[1]).toBe(0);
  });

  it("gives each document exactly the formula's sum, term by term in query order", () => {
    // Impacts are worked out once per posting; the sum must still be the formula's, to the bit.
    const n = 3;
    const norm = (length: number) => 1.2 * (1 - 0.75 + (0.75 * length) / 2);
    const term = (df: number, tf: number, length: number) => {
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      return (idf * tf * 2.2) / (tf + norm(length));
    };
    const scores = index.scores('cherry apple cherry');
    expect(scores[1]).toBe(0 + term(1, 2, 3) + term(3, 1, 3));
    expect(scores[0]).toBe(0 + term(3, 1, 2));
  });

  it('scores a query the same whichever queries came before it (impacts are worked out on first use)', () => {
    const documents = [
      { hs6: '000001', text: 'apple banana' },
      { hs6: '000002', text: 'apple cherry cherry' },
      { hs6: '000003', text: 'apple durian banana banana' },
    ];
    const queries = ['banana', 'cherry apple', 'apple banana durian', 'durian'];
    const inOrder = new Bm25Index(documents);
    const reversed = new Bm25Index(documents);
    const forwards = queries.map((q) => Array.from(inOrder.scores(q)));
    const backwards = [...queries]
      .reverse()
      .map((q) => Array.from(reversed.scores(q)))
      .reverse();
    expect(backwards).toEqual(forwards);
    // Asked again, every query scores as it did the first time.
    expect(queries.map((q) => Array.from(inOrder.scores(q)))).toEqual(forwards);
    expect(forwards.every((scores) => scores.some((score) => score > 0))).toBe(true);
  });

  it('ranks the shorter of two documents with the same word first', () => {
    expect(index.search('apple', 3).map((h) => h.hs6)).toEqual(['000003', '000001', '000002']);
  });

  it('breaks ties by document order', () => {
    expect(index.search('durian', 2)).toEqual([
      { hs6: '000001', score: 0 },
      { hs6: '000002', score: 0 },
    ]);
  });
});

describe('Bm25Classifier over the HS 2022 nomenclature', () => {
  const labels = [...loadNomenclature().subheadings.keys()].sort();
  const classifier = new Bm25Classifier(labels);
  const top = (text: string, k: number): string[] => {
    const probs = classifier.probabilities(text);
    return [...probs.keys()]
      .sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b)
      .slice(0, k)
      .map((i) => labels[i] as string);
  };

  it('builds one document per subheading, its own text first', () => {
    const documents = nomenclatureDocuments();
    expect(documents).toHaveLength(labels.length);
    const horses = documents.find((d) => d.hs6 === '010121');
    expect(horses?.text.startsWith('Horses; live, pure-bred breeding animals')).toBe(true);
    expect(horses?.text).toContain('Animals; live');
  });

  it('puts pure-bred breeding horses in the top 3', () => {
    expect(top('horses live pure-bred breeding', 3)).toContain('010121');
  });

  it("puts a men's cotton knitted t-shirt in chapter 61 at top 1", () => {
    expect(top("men's cotton knitted t-shirt", 1)[0]?.slice(0, 2)).toBe('61');
  });

  it('returns a probability vector over the given labels only', () => {
    const subset = new Bm25Classifier(['010121', '610910', '123456']);
    const probs = subset.probabilities("men's cotton knitted t-shirt");
    expect(probs).toHaveLength(3);
    expect(probs[2]).toBe(0); // no such subheading in the nomenclature
    expect(probs[1]).toBeGreaterThan(probs[0] as number);
    expect((probs[0] as number) + (probs[1] as number)).toBeCloseTo(1, 5);
  });

  it('reaches a modest chapter accuracy on the 78-case development set', () => {
    const rows = parse(readFileSync(projectFile('data/public/hsclassify-micro/benchmark_cases.csv')), {
      columns: true,
      bom: true,
    }) as Array<{ text: string; expected_hs_code: string }>;
    const metrics = new MetricsAccumulator(labels);
    for (const row of rows) {
      const hs6 = toHs6(row.expected_hs_code.padStart(6, '0'));
      if (!hs6) throw new Error(`bad code ${row.expected_hs_code}`);
      metrics.add(hs6, classifier.probabilities(row.text));
    }
    const result = metrics.result();
    expect(result.n).toBe(78);
    // About a quarter of the set is Thai, Vietnamese or Chinese, which an English lexicon cannot
    // match at all; on the rest the chapter is usually among the first five.
    expect(result.top5.hs2).toBeGreaterThan(0.6);
    expect(result.top1.hs2).toBeGreaterThan(0.4);
  });
});
