import { fixedSampleZTest, twoProportionZ } from './fixed-sample-z-test';

const arms = (champion: [number, number], challenger: [number, number]) => ({
  champion: { successes: champion[0], n: champion[1] },
  challenger: { successes: challenger[0], n: challenger[1] },
});

describe('fixedSampleZTest', () => {
  it('computes the pooled two-proportion z and its two-sided p-value', () => {
    // 80/100 against 90/100: pooled 0.85, z = 0.1 / sqrt(0.85 · 0.15 · 0.02).
    const result = fixedSampleZTest(arms([80, 100], [90, 100]), { minSamplesPerArm: 100 });
    expect(result.z).toBeCloseTo(1.9802950859533488, 12);
    expect(result.pValue).toBeCloseTo(0.04767038065616141, 12);
    expect(result.decision).toBe('promote');
    expect(fixedSampleZTest(arms([90, 100], [80, 100]), { minSamplesPerArm: 100 }).decision).toBe('rollback');
    expect(
      fixedSampleZTest(arms([80, 100], [90, 100]), { minSamplesPerArm: 100, alpha: 0.01 }).decision,
    ).toBe('continue');
  });

  it('waits for the minimum sample and has no opinion on identical or degenerate arms', () => {
    expect(fixedSampleZTest(arms([80, 100], [90, 100])).decision).toBe('continue');
    expect(twoProportionZ(arms([100, 100], [100, 100]))).toBe(0);
    expect(twoProportionZ(arms([0, 0], [5, 10]))).toBe(0);
  });
});
