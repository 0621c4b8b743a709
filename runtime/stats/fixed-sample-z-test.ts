import { normalQuantile, normalSurvival } from './normal';
import type { ArmComparison, SequentialDecision } from './sequential-test';

// Bound once: global lookups are slow inside vm contexts (Jest runs each test file in one), and
// these functions run inside the promotion simulation's loops.
const { abs, sqrt } = Math;

/**
 * The textbook fixed-sample two-proportion z-test (pooled variance). Valid once, at a sample size
 * fixed in advance; it is here as the naive rule the promotion simulation compares the sequential
 * test with, because looking at it after every batch is the classic way to promote noise.
 */
export function twoProportionZ({ champion, challenger }: ArmComparison): number {
  if (champion.n === 0 || challenger.n === 0) return 0;
  const pooled = (champion.successes + challenger.successes) / (champion.n + challenger.n);
  const variance = pooled * (1 - pooled) * (1 / champion.n + 1 / challenger.n);
  if (variance === 0) return 0;
  return (challenger.successes / challenger.n - champion.successes / champion.n) / sqrt(variance);
}

export interface FixedSampleResult {
  decision: SequentialDecision;
  z: number;
  /** Two-sided; only meaningful if this is the single planned look. */
  pValue: number;
}

export function fixedSampleZTest(
  counts: ArmComparison,
  { alpha = 0.05, minSamplesPerArm = 200 }: { alpha?: number; minSamplesPerArm?: number } = {},
): FixedSampleResult {
  const z = twoProportionZ(counts);
  const critical = normalQuantile(1 - alpha / 2);
  const enough = counts.champion.n >= minSamplesPerArm && counts.challenger.n >= minSamplesPerArm;
  const decision = !enough
    ? 'continue'
    : z >= critical
      ? 'promote'
      : z <= -critical
        ? 'rollback'
        : 'continue';
  return { decision, z, pValue: 2 * normalSurvival(abs(z)) };
}
