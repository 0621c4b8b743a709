import { flaggedRates, sampledBaseline, simulatedBaseline } from './drift-simulation';

describe('the drift detector, simulated', () => {
  const truth = simulatedBaseline();

  it.each([50, 200, 2000])(
    'flags under 1%% of no-drift windows of %i predictions, on every signal',
    (size) => {
      for (const rate of Object.values(flaggedRates(truth, { size, windows: 400 })))
        expect(rate).toBeLessThan(0.01);
    },
  );

  it('stays near that when each window meets a model whose baseline is itself a sample', () => {
    const rates = flaggedRates(truth, { size: 2000, windows: 400, sampledBaselineRows: 4157 });
    for (const rate of Object.values(rates)) expect(rate).toBeLessThan(0.02);
  });

  it('samples a baseline with the shape of the truth', () => {
    const sampled = sampledBaseline(truth, 4157, 3);
    expect(sampled.n).toBe(4157);
    expect(sampled.confidenceHistogram).toHaveLength(15);
    expect(sampled.confidenceHistogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(sampled.chapterDistribution['01']).toBeCloseTo(truth.chapterDistribution['01'] as number, 1);
    expect(sampled.unknownWordRate).toBeGreaterThan(0.003);
    expect(sampled.unknownWordRate).toBeLessThan(0.007);
  });

  it('flags the shifts it is meant to see in nearly every window of 2,000 predictions', () => {
    const seen = (shift: Parameters<typeof flaggedRates>[1]['shift']) =>
      flaggedRates(truth, { size: 2000, windows: 200, shift });
    expect(seen({ chapterShift: 0.1 })['predicted-chapter']).toBeGreaterThan(0.95);
    expect(seen({ lowConfidence: 0.3 })['top1-confidence']).toBeGreaterThan(0.95);
    expect(seen({ unknownRate: 0.02 })['unknown-word-rate']).toBeGreaterThan(0.95);
  });

  it('sees an extreme shift even when the model was scored on few held-out rows', () => {
    const rates = flaggedRates(simulatedBaseline(150), {
      size: 2000,
      windows: 200,
      shift: { unknownRate: 0.1 },
    });
    expect(rates['unknown-word-rate']).toBe(1);
  });
});
