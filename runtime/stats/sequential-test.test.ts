import { mixtureHalfWidth, mixtureLogEvidence, sequentialTest, type ArmComparison } from './sequential-test';

const arms = (champion: [number, number], challenger: [number, number]): ArmComparison => ({
  champion: { successes: champion[0], n: champion[1] },
  challenger: { successes: challenger[0], n: challenger[1] },
});

/** The mixture likelihood ratio by brute-force quadrature over θ ~ N(θ0, τ²). */
function quadratureEvidence(diff: number, variance: number, theta0: number, tau: number): number {
  const steps = 20000;
  const lo = theta0 - 12 * tau;
  const width = (24 * tau) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const theta = lo + i * width;
    const ratio = Math.exp((-((diff - theta) ** 2) + (diff - theta0) ** 2) / (2 * variance));
    const prior = Math.exp(-((theta - theta0) ** 2) / (2 * tau * tau)) / Math.sqrt(2 * Math.PI * tau * tau);
    sum += (i === 0 || i === steps ? 0.5 : 1) * ratio * prior * width;
  }
  return sum;
}

describe('mixture evidence', () => {
  it.each([
    [0.03, 0.0001, 0, 0.03],
    [-0.01, 0.00004, 0, 0.02],
    [0.005, 0.00002, -0.01, 0.05],
    [0, 0.0003, 0, 0.03],
  ])(
    'matches numerical integration of the mixture (d=%p, s²=%p, θ0=%p, τ=%p)',
    (diff, variance, theta0, tau) => {
      expect(mixtureLogEvidence(diff, variance, theta0, tau)).toBeCloseTo(
        Math.log(quadratureEvidence(diff, variance, theta0, tau)),
        6,
      );
    },
  );

  it('puts the interval ends exactly where the evidence against them reaches 1/level', () => {
    const variance = 0.00007;
    const halfWidth = mixtureHalfWidth(variance, 0.03, 0.05);
    for (const end of [0.02 - halfWidth, 0.02 + halfWidth]) {
      expect(mixtureLogEvidence(0.02, variance, end, 0.03)).toBeCloseTo(Math.log(20), 10);
    }
  });

  it('is wider than the fixed-sample interval, the price of being valid at every look', () => {
    const variance = 0.00007;
    expect(mixtureHalfWidth(variance, 0.03, 0.05)).toBeGreaterThan(1.96 * Math.sqrt(variance));
  });
});

describe('sequentialTest', () => {
  it('promotes a clearly better challenger and reports the numbers behind it', () => {
    const result = sequentialTest(arms([800, 1000], [880, 1000]));
    expect(result.decision).toBe('promote');
    const { stats } = result;
    expect(stats).toMatchObject({
      nChampion: 1000,
      nChallenger: 1000,
      accChampion: 0.8,
      accChallenger: 0.88,
    });
    expect(stats.diff).toBeCloseTo(0.08, 12);
    expect(stats.threshold).toBeCloseTo(Math.log(20), 12);
    expect(stats.statistic).toBeGreaterThanOrEqual(stats.threshold);
    expect(stats.pValueAlwaysValid).toBeLessThanOrEqual(0.05);
    expect(stats.ci95[0]).toBeGreaterThan(0);
    expect(stats.ci95[0]).toBeLessThan(0.08);
    expect(stats.ci95[1]).toBeGreaterThan(0.08);
    expect(result.reason).toMatch(/significantly better/);
    expect(result.reason).toContain('88.0% vs 80.0%');
    expect(result.reason).toContain('+8.0 points');
  });

  it('rolls back a clearly worse challenger, symmetrically', () => {
    const better = sequentialTest(arms([800, 1000], [880, 1000]));
    const worse = sequentialTest(arms([880, 1000], [800, 1000]));
    expect(worse.decision).toBe('rollback');
    expect(worse.stats.statistic).toBeCloseTo(better.stats.statistic, 12);
    expect(worse.stats.ci95[0]).toBeCloseTo(-better.stats.ci95[1], 12);
    expect(worse.reason).toMatch(/significantly worse/);
  });

  it('continues when the arms are alike, with a p-value that says so', () => {
    const result = sequentialTest(arms([4000, 5000], [4010, 5000]));
    expect(result.decision).toBe('continue');
    expect(result.stats.pValueAlwaysValid).toBeGreaterThan(0.05);
    expect(result.stats.ci95[0]).toBeLessThan(0);
    expect(result.stats.ci95[1]).toBeGreaterThan(0);
    expect(result.reason).toMatch(/No significant difference yet/);
  });

  it('never decides below minSamplesPerArm, however lopsided the counts', () => {
    const result = sequentialTest(arms([100, 199], [199, 199]));
    expect(result.stats.statistic).toBeGreaterThan(result.stats.threshold);
    expect(result.decision).toBe('continue');
    expect(result.reason).toMatch(/Waiting for 200 feedback events per arm/);
    expect(sequentialTest(arms([100, 199], [199, 199]), { minSamplesPerArm: 150 }).decision).toBe('promote');
  });

  it('decides exactly when the always-valid p-value reaches alpha', () => {
    for (let successes = 800; successes <= 860; successes++) {
      for (const alpha of [0.01, 0.05, 0.1]) {
        const result = sequentialTest(arms([800, 1000], [successes, 1000]), { alpha });
        expect(result.decision === 'promote').toBe(result.stats.pValueAlwaysValid <= alpha);
        expect(result.stats.pValueAlwaysValid).toBeCloseTo(
          Math.min(1, Math.exp(-result.stats.statistic)),
          12,
        );
      }
    }
  });

  it('needs more evidence for a smaller alpha', () => {
    const counts = arms([8000, 10000], [8200, 10000]);
    expect(sequentialTest(counts, { alpha: 0.05 }).decision).toBe('promote');
    expect(sequentialTest(counts, { alpha: 0.001 }).decision).toBe('continue');
  });

  it('with a margin, promotes an equally good challenger and rolls back one worse than the margin', () => {
    const equal = arms([8000, 10000], [8000, 10000]);
    expect(sequentialTest(equal).decision).toBe('continue');
    const nonInferior = sequentialTest(equal, { margin: 0.02 });
    expect(nonInferior.decision).toBe('promote');
    expect(nonInferior.reason).toMatch(/not worse than the champion by more than the 2\.0-point margin/);
    const muchWorse = sequentialTest(arms([8000, 10000], [7500, 10000]), { margin: 0.02 });
    expect(muchWorse.decision).toBe('rollback');
    expect(muchWorse.reason).toMatch(/worse than the champion by more than the 2\.0-point margin/);
    // Worse, but within the margin: non-inferior, so not a rollback.
    expect(sequentialTest(arms([32000, 40000], [31800, 40000]), { margin: 0.02 }).decision).toBe('promote');
  });

  it('handles unequal arms and arms that are all right so far', () => {
    const result = sequentialTest(arms([1600, 2000], [300, 300]));
    expect(result.decision).toBe('promote');
    expect(Number.isFinite(result.stats.statistic)).toBe(true);
    expect(result.stats.ci95[1]).toBeLessThanOrEqual(1);
  });

  it('reports an arm without feedback as unknown rather than 0% accurate', () => {
    const result = sequentialTest(arms([0, 0], [40, 50]));
    expect(result.decision).toBe('continue');
    expect(result.stats.accChampion).toBeNull();
    expect(result.stats.diff).toBeNull();
    expect(result.stats.ci95).toEqual([-1, 1]);
    expect(result.stats.pValueAlwaysValid).toBe(1);
    // What the promote job records: JSON, with null where a statistic is undefined.
    expect(JSON.parse(JSON.stringify(result.stats))).toEqual(result.stats);
    expect(result.reason).not.toMatch(/NaN/);
  });

  it('refuses impossible counts and configuration', () => {
    expect(() => sequentialTest(arms([11, 10], [5, 10]))).toThrow(/champion counts/);
    expect(() => sequentialTest(arms([5, 10], [-1, 10]))).toThrow(/challenger counts/);
    expect(() => sequentialTest(arms([5, 10.5], [5, 10]))).toThrow(RangeError);
    expect(() => sequentialTest(arms([5, 10], [5, 10]), { alpha: 0 })).toThrow(/alpha/);
    expect(() => sequentialTest(arms([5, 10], [5, 10]), { tau: -1 })).toThrow(/tau/);
    expect(() => sequentialTest(arms([5, 10], [5, 10]), { margin: -0.1 })).toThrow(/margin/);
  });
});
