import { normalQuantile } from '../stats/normal';

export interface ProportionEstimate {
  n: number;
  successes: number;
  /** successes / n; null without observations. */
  rate: number | null;
  /** Wilson score interval at the requested level; null without observations. */
  low: number | null;
  high: number | null;
}

const Z95 = normalQuantile(0.975);

/**
 * The Wilson score interval for a binomial proportion. Chosen over the normal (Wald) interval
 * because the dashboard shows daily accuracies on a handful of feedback events, often at 0 or
 * 100%, where Wald collapses to a zero-width band; Wilson stays inside [0, 1] and keeps its
 * coverage close to nominal for small n.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): ProportionEstimate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0, got ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`successes must be a whole number in 0..${n}, got ${successes}`);
  }
  if (n === 0) return { n, successes, rate: null, low: null, high: null };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Exact bounds at the edges, so 0/n and n/n do not show a rounding speck outside the data.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return { n, successes, rate: p, low, high };
}
