import { binomialDraw, mulberry32 } from './seeded-random';

describe('mulberry32', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const first = mulberry32(42);
    const again = mulberry32(42);
    const other = mulberry32(43);
    const a = Array.from({ length: 100 }, first);
    expect(Array.from({ length: 100 }, again)).toEqual(a);
    expect(Array.from({ length: 100 }, other)).not.toEqual(a);
  });

  it('draws uniforms in [0, 1) with the right mean and spread', () => {
    const random = mulberry32(7);
    const n = 200000;
    let sum = 0;
    let sumSquares = 0;
    let lowest = 1;
    let highest = 0;
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = random();
      lowest = Math.min(lowest, u);
      highest = Math.max(highest, u);
      sum += u;
      sumSquares += u * u;
      const decile = Math.floor(u * 10);
      deciles[decile] = (deciles[decile] ?? 0) + 1;
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThan(1);
    // Standard errors: mean 0.00065, variance ~0.0002, decile count ~134.
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSquares / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 3);
    for (const count of deciles) expect(Math.abs(count - n / 10)).toBeLessThan(600);
  });
});

describe('binomialDraw', () => {
  it('has mean n·p and variance n·p·(1−p)', () => {
    const random = mulberry32(11);
    const draws = Array.from({ length: 20000 }, () => binomialDraw(random, 50, 0.8));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(40, 1);
    expect(variance).toBeGreaterThan(7.6);
    expect(variance).toBeLessThan(8.4);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(50);
  });
});
