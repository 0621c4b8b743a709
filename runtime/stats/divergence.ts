/**
 * Divergences between two discrete distributions given as aligned probability vectors (same bins
 * in the same order, each summing to 1).
 */

// Bound once: global lookups are slow inside vm contexts (Jest runs each test file in one).
const { log, log2 } = Math;

function checkAligned(p: readonly number[], q: readonly number[]): void {
  if (p.length !== q.length || p.length === 0) {
    throw new RangeError(
      `distributions must have the same, non-zero number of bins (${p.length} vs ${q.length})`,
    );
  }
}

/**
 * Population stability index Σ (q − p) · ln(q / p): the symmetrised Kullback–Leibler divergence
 * in nats. Infinite when a bin is empty on one side only, so smooth both sides first.
 */
export function populationStabilityIndex(baseline: readonly number[], live: readonly number[]): number {
  checkAligned(baseline, live);
  let sum = 0;
  for (let i = 0; i < baseline.length; i++) {
    const p = baseline[i] as number;
    const q = live[i] as number;
    if (p === q) continue;
    sum += (q - p) * log(q / p);
  }
  return sum;
}

/**
 * Jensen–Shannon divergence in bits: the mean KL divergence of each side from their average.
 * Bounded by 1 and finite with empty bins, so it needs no smoothing.
 */
export function jensenShannonBits(p: readonly number[], q: readonly number[]): number {
  checkAligned(p, q);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number;
    const b = q[i] as number;
    const mean = (a + b) / 2;
    if (a > 0) sum += a * log2(a / mean);
    if (b > 0) sum += b * log2(b / mean);
  }
  // Rounding can leave a tiny negative for identical inputs.
  return Math.max(0, sum / 2);
}

/**
 * Additive smoothing as if each bin had half an observation more: (p·n + ½) / (n + ½·k). With the
 * sample size unknown (n = 0) every bin gets a floor of 1e-4 instead.
 */
export function smoothProportions(proportions: readonly number[], n: number): number[] {
  const epsilon = n > 0 ? 0.5 / n : 1e-4;
  const total = proportions.reduce((sum, p) => sum + p, 0);
  const scale = total > 0 ? 1 / total : 0;
  return proportions.map((p) => (p * scale + epsilon) / (1 + proportions.length * epsilon));
}

/** Counts to proportions; all zeros stay zeros. */
export function proportionsOf(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, c) => sum + c, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * What PSI averages when nothing has drifted, from sampling noise alone: two samples of sizes n1
 * and n2 from one distribution over k bins give PSI ≈ χ²(k − 1) · (1/n1 + 1/n2). A size of 0
 * means "known exactly" and contributes nothing.
 */
export function expectedNoisePsi(bins: number, n1: number, n2: number): number {
  const inverse = (n: number) => (n > 0 ? 1 / n : 0);
  return Math.max(0, bins - 1) * (inverse(n1) + inverse(n2));
}

/** For small differences JS (bits) ≈ PSI / (8 ln 2): both are quadratic in the difference. */
export const JS_BITS_PER_PSI = 1 / (8 * Math.LN2);
