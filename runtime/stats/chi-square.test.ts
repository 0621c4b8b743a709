import { chiSquareQuantile } from './chi-square';

describe('chiSquareQuantile', () => {
  // Exact values from published chi-square tables.
  it.each([
    [0.95, 1, 3.841],
    [0.999, 1, 10.828],
    [0.99, 10, 23.209],
    [0.999, 10, 29.588],
    [0.999, 100, 149.449],
    [0.5, 14, 13.339],
  ])('the %s quantile with %i degrees of freedom is within 3%% of %s', (p, df, exact) => {
    expect(Math.abs(chiSquareQuantile(p, df) / exact - 1)).toBeLessThan(0.03);
  });

  it('is exact for one degree of freedom, the square of a normal', () => {
    expect(chiSquareQuantile(0.999, 1)).toBeCloseTo(10.828, 2);
  });

  it('errs high in the upper tail, where it serves as a ceiling for chance', () => {
    expect(chiSquareQuantile(0.999, 2)).toBeGreaterThan(13.816);
    expect(chiSquareQuantile(0.999, 10)).toBeGreaterThan(29.588);
  });

  it('refuses impossible degrees of freedom', () => {
    expect(() => chiSquareQuantile(0.9, 0)).toThrow(RangeError);
  });
});
