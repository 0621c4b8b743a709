import { normalQuantile } from './normal';

/**
 * The p-quantile of the chi-square distribution with `df` degrees of freedom: exact for one degree
 * (the square of a normal), otherwise by the Wilson–Hilferty cube-root approximation, within 3% of
 * the exact value and slightly above it in the upper tail, the cautious side for a ceiling of chance.
 */
export function chiSquareQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
  if (df === 1) return normalQuantile((1 + p) / 2) ** 2;
  const spread = 2 / (9 * df);
  const cube = 1 - spread + normalQuantile(p) * Math.sqrt(spread);
  return df * Math.max(0, cube) ** 3;
}
