import {
  JS_BITS_PER_PSI,
  expectedNoisePsi,
  jensenShannonBits,
  populationStabilityIndex,
  proportionsOf,
  smoothProportions,
} from './divergence';
import { mulberry32 } from './seeded-random';

describe('populationStabilityIndex', () => {
  it('matches a hand-computed case and is symmetric', () => {
    // (0.6 − 0.5)·ln(0.6/0.5) + (0.4 − 0.5)·ln(0.4/0.5)
    expect(populationStabilityIndex([0.5, 0.5], [0.6, 0.4])).toBeCloseTo(0.04054651081081646, 14);
    expect(populationStabilityIndex([0.6, 0.4], [0.5, 0.5])).toBeCloseTo(0.04054651081081646, 14);
  });

  it('is 0 for identical distributions and infinite for an empty bin on one side', () => {
    expect(populationStabilityIndex([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(populationStabilityIndex([0.5, 0.5], [1, 0])).toBe(Infinity);
  });

  it('refuses misaligned distributions', () => {
    expect(() => populationStabilityIndex([0.5, 0.5], [1])).toThrow(RangeError);
    expect(() => jensenShannonBits([], [])).toThrow(RangeError);
  });
});

describe('jensenShannonBits', () => {
  it('is 1 bit for disjoint distributions and matches a hand-computed case', () => {
    expect(jensenShannonBits([1, 0], [0, 1])).toBeCloseTo(1, 14);
    // Against the mixture (0.75, 0.25).
    expect(jensenShannonBits([0.5, 0.5], [1, 0])).toBeCloseTo(0.31127812445913283, 14);
    expect(jensenShannonBits([0.2, 0.8], [0.2, 0.8])).toBe(0);
  });

  it('is about PSI / (8 ln 2) for small shifts, which ties the default thresholds together', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const q = [0.11, 0.19, 0.31, 0.39];
    const psi = populationStabilityIndex(p, q);
    expect(jensenShannonBits(p, q) / (psi * JS_BITS_PER_PSI)).toBeCloseTo(1, 2);
  });
});

describe('smoothProportions', () => {
  it('adds half an observation per bin, so no bin is empty and the total stays 1', () => {
    const smoothed = smoothProportions([1, 0, 0], 10);
    expect(smoothed[0]).toBeCloseTo(10.5 / 11.5, 14);
    expect(smoothed[1]).toBeCloseTo(0.5 / 11.5, 14);
    expect(smoothed.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('uses a small floor when the sample size is unknown', () => {
    const smoothed = smoothProportions([0.5, 0.5, 0], 0);
    expect(smoothed[2]).toBeCloseTo(1e-4 / 1.0003, 14);
  });
});

describe('expectedNoisePsi', () => {
  it('predicts the PSI two samples of one distribution show with no drift', () => {
    const random = mulberry32(99);
    const truth = Array.from({ length: 20 }, (_, i) => 1 / (i + 1));
    const total = truth.reduce((a, b) => a + b, 0);
    const cumulative = truth.map((_, i) => truth.slice(0, i + 1).reduce((a, b) => a + b, 0) / total);
    const sample = (n: number) => {
      const counts = new Array<number>(truth.length).fill(0);
      for (let i = 0; i < n; i++) {
        const u = random();
        const bin = cumulative.findIndex((c) => u < c);
        counts[bin] = (counts[bin] ?? 0) + 1;
      }
      return counts;
    };
    const [n1, n2] = [4000, 2000];
    let sum = 0;
    const replicates = 300;
    for (let r = 0; r < replicates; r++) {
      const a = smoothProportions(proportionsOf(sample(n1)), n1);
      const b = smoothProportions(proportionsOf(sample(n2)), n2);
      sum += populationStabilityIndex(a, b);
    }
    const expected = expectedNoisePsi(truth.length, n1, n2);
    expect(expected).toBeCloseTo(19 * (1 / 4000 + 1 / 2000), 14);
    expect(sum / replicates / expected).toBeGreaterThan(0.85);
    expect(sum / replicates / expected).toBeLessThan(1.15);
  });

  it('counts a sample size of 0 as exact', () => {
    expect(expectedNoisePsi(3, 100, 0)).toBeCloseTo(0.02, 14);
    expect(expectedNoisePsi(1, 100, 100)).toBe(0);
  });
});
