import { MetricsAccumulator } from './metrics';

// Headings: 0101 (three subheadings), 0201 (two), 0301 (one); chapters 01, 02, 03.
const LABELS = ['010121', '010129', '010130', '020110', '020120', '030111'];

/** `confidence` on the predicted label, the rest shared evenly (always below it for confidence ≥ 0.2). */
function peaked(predicted: string, confidence: number): number[] {
  const rest = (1 - confidence) / (LABELS.length - 1);
  return LABELS.map((label) => (label === predicted ? confidence : rest));
}

describe('MetricsAccumulator top-k', () => {
  const accumulator = new MetricsAccumulator(LABELS);
  // A: true 010130 at 0.1; two 0.3s (tie, broken by label order) and a 0.25 rank above it → rank 3.
  //    Heading 0101 sums to 0.7 against 0201's 0.3: right at heading and chapter.
  accumulator.add('010130', [0.3, 0.3, 0.1, 0.25, 0.05, 0]);
  // B: 010121 wins alone (0.4), but heading 0201 sums 0.35 + 0.25 = 0.6 > 0.4: prefix aggregation
  //    makes the heading right although the subheading is wrong. True subheading rank 1.
  accumulator.add('020110', [0.4, 0, 0, 0.35, 0.25, 0]);
  // C: certain and right.
  accumulator.add('030111', [0, 0, 0, 0, 0, 1]);
  // D: a code not among the labels, nor its heading or chapter: wrong everywhere.
  accumulator.add('999999', [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]);
  // E: unknown subheading of a known heading: wrong at HS6, right at heading (0.8) and chapter.
  accumulator.add('010190', [0.6, 0.1, 0.1, 0.1, 0.1, 0]);
  const result = accumulator.result();

  it('counts every example and the unknown codes', () => {
    expect(result.n).toBe(5);
    expect(result.unknownLabels).toBe(2);
  });

  it('scores subheadings by rank with ties broken by label order', () => {
    expect(result.top1.hs6).toBeCloseTo(1 / 5); // C
    expect(result.top3.hs6).toBeCloseTo(2 / 5); // B, C (A is 4th)
    expect(result.top5.hs6).toBeCloseTo(3 / 5); // A, B, C
  });

  it('scores headings and chapters on summed probabilities', () => {
    expect(result.top1.hs4).toBeCloseTo(4 / 5); // A, B, C, E
    expect(result.top5.hs4).toBeCloseTo(4 / 5);
    expect(result.top1.hs2).toBeCloseTo(4 / 5);
  });

  it('groups hs6 top-1 accuracy by the true chapter', () => {
    expect(result.perChapter).toEqual([
      { chapter: '01', n: 2, correct: 0, accuracy: 0 },
      { chapter: '02', n: 1, correct: 0, accuracy: 0 },
      { chapter: '03', n: 1, correct: 1, accuracy: 1 },
      { chapter: '99', n: 1, correct: 0, accuracy: 0 },
    ]);
  });

  it('counts the chapters of the top-1 predictions', () => {
    expect(result.predictedChapters).toEqual({ '01': 4, '03': 1 });
  });

  it('is JSON-serialisable without loss', () => {
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('MetricsAccumulator macro-F1', () => {
  it('averages per-class F1 over the classes present in the truth', () => {
    const accumulator = new MetricsAccumulator(LABELS);
    const pairs: Array<[truth: string, predicted: string]> = [
      ['010121', '010121'],
      ['010121', '010129'],
      ['010121', '020110'], // 020110 never occurs in the truth: not averaged
      ['010129', '010129'],
      ['030111', '010129'],
    ];
    for (const [truth, predicted] of pairs) accumulator.add(truth, peaked(predicted, 0.5));
    // 010121: TP 1, FP 0, FN 2 → P 1, R 1/3, F1 = 2·1·(1/3) / (4/3) = 0.5
    // 010129: TP 1, FP 2, FN 0 → P 1/3, R 1, F1 = 0.5
    // 030111: TP 0 → F1 = 0
    expect(accumulator.result().macro_f1).toBeCloseTo((0.5 + 0.5 + 0) / 3);
  });
});

describe('MetricsAccumulator calibration', () => {
  it('bins top-1 confidence into 15 equal-width bins and weights the gaps by bin share', () => {
    const accumulator = new MetricsAccumulator(LABELS);
    accumulator.add('010121', peaked('010121', 0.95)); // bin 14, right
    accumulator.add('010129', peaked('010121', 0.95)); // bin 14, wrong
    accumulator.add('020110', peaked('020110', 0.5)); // bin 7, right
    accumulator.add('020120', peaked('030111', 0.3)); // bin 4, wrong
    const { ece, reliability } = accumulator.result();
    // bin 14: |0.5 − 0.95| · 2/4; bin 7: |1 − 0.5| · 1/4; bin 4: |0 − 0.3| · 1/4
    expect(ece).toBeCloseTo(0.45 * 0.5 + 0.5 * 0.25 + 0.3 * 0.25);
    expect(reliability).toHaveLength(15);
    expect(reliability[14]).toMatchObject({ count: 2, accuracy: 0.5, upper: 1 });
    expect(reliability[14]?.confidence).toBeCloseTo(0.95);
    expect(reliability[14]?.lower).toBeCloseTo(14 / 15);
    expect(reliability[7]).toMatchObject({ count: 1, confidence: 0.5, accuracy: 1 });
    expect(reliability[4]).toMatchObject({ count: 1, confidence: 0.3, accuracy: 0 });
    expect(reliability.reduce((sum, bin) => sum + bin.count, 0)).toBe(4);
  });
});

describe('MetricsAccumulator abstain threshold and coverage', () => {
  // Confidence descending; running precision 1/1, 2/2, 2/3, 3/4, 4/5, 4/6, 4/7, 5/8.
  const examples: Array<[confidence: number, right: boolean]> = [
    [0.9, true],
    [0.8, true],
    [0.7, false],
    [0.6, true],
    [0.5, true],
    [0.4, false],
    [0.3, false],
    [0.2, true],
  ];
  const accumulator = new MetricsAccumulator(LABELS, { targetPrecision: 0.8 });
  // Shuffled insertion order: the curve must not depend on it.
  for (const index of [3, 0, 7, 5, 1, 6, 2, 4]) {
    const [confidence, right] = examples[index] as [number, boolean];
    accumulator.add(right ? '010121' : '020110', peaked('010121', confidence));
  }

  it('takes the smallest threshold whose accepted predictions reach the target', () => {
    // 0.7 falls below 0.8 precision, yet 0.5 reaches exactly 4/5 again: the lower one wins.
    expect(accumulator.thresholdForPrecision(0.8)).toEqual({
      targetPrecision: 0.8,
      threshold: 0.5,
      coverage: 5 / 8,
      precision: 0.8,
      level: 'hs6',
      rows: 8,
    });
    expect(accumulator.thresholdForPrecision(0.9)).toEqual({
      targetPrecision: 0.9,
      threshold: 0.8,
      coverage: 2 / 8,
      precision: 1,
      level: 'hs6',
      rows: 8,
    });
    expect(accumulator.thresholdForPrecision(0.6)).toMatchObject({ threshold: 0.2, coverage: 1 });
    expect(accumulator.result().abstain).toEqual(accumulator.thresholdForPrecision(0.8));
  });

  it('traces accuracy against coverage at every reachable percent', () => {
    const right = [1, 2, 2, 3, 4, 4, 4, 5];
    expect(accumulator.result().coverage).toEqual(
      examples.map(([confidence], i) => ({
        coverage: (i + 1) / 8,
        accuracy: (right[i] as number) / (i + 1),
        threshold: confidence,
      })),
    );
  });

  it('moves a curve point to the end of a confidence tie', () => {
    const tied = new MetricsAccumulator(LABELS);
    tied.add('010121', peaked('010121', 0.9));
    tied.add('010121', peaked('010121', 0.6));
    tied.add('020110', peaked('010121', 0.6));
    tied.add('010121', peaked('010121', 0.3));
    expect(tied.result().coverage).toEqual([
      { coverage: 0.25, accuracy: 1, threshold: 0.9 },
      { coverage: 0.75, accuracy: 2 / 3, threshold: 0.6 },
      { coverage: 1, accuracy: 0.75, threshold: 0.3 },
    ]);
  });

  it('reports threshold 1 and no coverage when no threshold reaches the target', () => {
    const poor = new MetricsAccumulator(LABELS);
    poor.add('020110', peaked('010121', 0.9));
    poor.add('010121', peaked('010121', 0.5));
    expect(poor.thresholdForPrecision(0.9)).toEqual({
      targetPrecision: 0.9,
      threshold: 1,
      coverage: 0,
      precision: 0,
      level: 'hs6',
      rows: 2,
    });
  });

  it('at chapter level reads the top candidate chapter mass and counts a right chapter as right', () => {
    const chapters = new MetricsAccumulator(LABELS, { abstainLevel: 'hs2', targetPrecision: 1 });
    // Top candidate 010121 at 0.4 with its chapter's other codes at 0.3 each: chapter mass 1.0,
    // wrong subheading, right chapter.
    chapters.add('010129', [0.4, 0.3, 0.3, 0, 0, 0]);
    // Top candidate 020110 at 0.5, chapter mass 0.6, wrong chapter.
    chapters.add('010121', [0.2, 0.1, 0.1, 0.5, 0.1, 0]);
    expect(chapters.thresholdForPrecision(1)).toMatchObject({
      threshold: 1,
      coverage: 0.5,
      precision: 1,
      level: 'hs2',
    });
    expect(chapters.acceptedAt(0.6)).toEqual({ coverage: 1, precision: 0.5, accepted: 2 });
    expect(chapters.acceptedAt(0.99)).toEqual({ coverage: 0.5, precision: 1, accepted: 1 });
  });
});

describe('MetricsAccumulator input checks', () => {
  it('rejects a probability vector of the wrong length', () => {
    expect(() => new MetricsAccumulator(LABELS).add('010121', [1, 0])).toThrow(/expected 6 probabilities/);
  });

  it('rejects a label list with duplicates', () => {
    expect(() => new MetricsAccumulator(['010121', '010121'])).toThrow(/duplicates/);
  });

  it('returns zeros, not NaN, when nothing was added', () => {
    const result = new MetricsAccumulator(LABELS).result();
    expect(result).toMatchObject({ n: 0, macro_f1: 0, ece: 0, coverage: [], perChapter: [] });
    expect(result.top1).toEqual({ hs2: 0, hs4: 0, hs6: 0 });
    expect(JSON.stringify(result)).not.toMatch(/null|NaN/);
  });

  it('reads a subarray of a batch output', () => {
    const batch = new Float32Array([...peaked('030111', 0.5), ...peaked('020120', 0.5)]);
    const accumulator = new MetricsAccumulator(LABELS);
    accumulator.add('030111', batch.subarray(0, 6));
    accumulator.add('020110', batch.subarray(6, 12));
    expect(accumulator.result().top1).toEqual({ hs2: 1, hs4: 1, hs6: 0.5 });
  });
});
