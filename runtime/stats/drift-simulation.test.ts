import { flaggedRates, simulatedBaseline } from './drift-simulation';

describe('the drift detector, simulated', () => {
  const baseline = simulatedBaseline();

  it.each([50, 200, 2000])(
    'flags under 1%% of no-drift windows of %i predictions, on every signal',
    (size) => {
      const rates = flaggedRates(baseline, size, 400);
      for (const rate of Object.values(rates)) expect(rate).toBeLessThan(0.01);
    },
  );

  it('flags the shifts it is meant to see in nearly every window of 2,000 predictions', () => {
    expect(flaggedRates(baseline, 2000, 200, { chapterShift: 0.1 })['predicted-chapter']).toBeGreaterThan(
      0.95,
    );
    expect(flaggedRates(baseline, 2000, 200, { lowConfidence: 0.3 })['top1-confidence']).toBeGreaterThan(
      0.95,
    );
    expect(flaggedRates(baseline, 2000, 200, { unknownRate: 0.02 })['unknown-word-rate']).toBeGreaterThan(
      0.95,
    );
  });

  it('sees an extreme shift even when the model was scored on few held-out rows', () => {
    expect(flaggedRates(simulatedBaseline(150), 2000, 200, { unknownRate: 0.1 })['unknown-word-rate']).toBe(
      1,
    );
  });
});
