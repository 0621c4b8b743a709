import { normalCdf, normalQuantile, normalSurvival } from './normal';

// Reference values computed at 30 significant digits.
const CDF: [number, number][] = [
  [-37, 5.725571222524577e-300],
  [-20, 2.7536241186062337e-89],
  [-10, 7.619853024160525e-24],
  [-8, 6.220960574271784e-16],
  [-5, 2.866515718791939e-7],
  [-3, 0.0013498980316300946],
  [-2, 0.02275013194817921],
  [-1.96, 0.024997895148220435],
  [-1, 0.15865525393145705],
  [-0.5, 0.3085375387259869],
  [0, 0.5],
  [0.3, 0.6179114221889527],
  [1, 0.8413447460685429],
  [1.96, 0.9750021048517795],
  [2.5, 0.9937903346742238],
  [4, 0.9999683287581669],
];

const QUANTILE: [number, number][] = [
  [1e-300, -37.0470962993612],
  [1e-20, -9.262340089798409],
  [1e-12, -7.034483825301132],
  [1e-6, -4.753424308822899],
  [0.001, -3.0902323061678136],
  [0.02425, -1.972961051311885],
  [0.025, -1.9599639845400543],
  [0.05, -1.6448536269514726],
  [0.3, -0.5244005127080408],
  [0.5, 0],
  [0.8, 0.8416212335729142],
  [0.95, 1.6448536269514726],
  [0.975, 1.9599639845400543],
  [0.995, 2.575829303548901],
];

const relativeError = (actual: number, expected: number) =>
  expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);

describe('normalCdf', () => {
  it.each(CDF)('Φ(%p) matches the reference to 1e-13 relative error', (x, expected) => {
    expect(relativeError(normalCdf(x), expected)).toBeLessThan(1e-13);
  });

  it('is symmetric and keeps far upper tails through normalSurvival', () => {
    for (const x of [0.1, 1.3, 2.7, 6.9, 7.2, 12]) {
      expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
      expect(normalSurvival(x)).toBe(normalCdf(-x));
    }
    expect(relativeError(normalSurvival(3.3), 0.0004834241423837775)).toBeLessThan(1e-13);
    expect(relativeError(normalSurvival(7.5), 3.1908916729108963e-14)).toBeLessThan(1e-13);
  });

  it('goes to 0 and 1 at the ends and passes NaN through', () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

describe('normalQuantile', () => {
  it.each(QUANTILE)('Φ⁻¹(%p) matches the reference to 1e-13 relative error', (p, expected) => {
    expect(relativeError(normalQuantile(p), expected)).toBeLessThan(1e-13);
  });

  it('inverts normalCdf wherever Φ(x) is not rounded to 1', () => {
    for (let x = -30; x <= 4; x += 0.37) {
      expect(relativeError(normalQuantile(normalCdf(x)), x)).toBeLessThan(1e-12);
    }
  });

  it('maps the end points to infinities and refuses probabilities outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(-0.1)).toThrow(RangeError);
    expect(() => normalQuantile(1.1)).toThrow(RangeError);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });
});
