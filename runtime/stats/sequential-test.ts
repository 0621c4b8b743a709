/**
 * Always-valid sequential comparison of a challenger's top-1 accuracy with the champion's.
 *
 * Why a mixture SPRT (Johari, Koomen, Pekelis & Walsh, "Always valid inference", 2017) rather than
 * a group-sequential design with an O'Brien–Fleming alpha-spending boundary: the promote job looks
 * whenever it is scheduled, traffic varies by day, and the ramp changes how fast each arm collects
 * feedback, so neither the number of looks nor the maximum sample size is known in advance. Alpha
 * spending needs both (or at least a committed maximum information), and breaks if someone looks
 * more often than planned. The mSPRT's evidence is a nonnegative martingale under the null, so by
 * Ville's inequality the chance it ever crosses 1/α is at most α however often and whenever it is
 * looked at; its p-value and confidence interval are valid at every look, which is also what a
 * dashboard shows. The price is a somewhat larger expected sample size than a well-planned
 * group-sequential test, which the promotion simulation measures.
 *
 * Model: the difference of the two accuracies, d = p̂_challenger − p̂_champion, is treated as
 * normal around the true difference θ with variance s² = p(1−p)/n summed over the arms (the
 * normal approximation; minSamplesPerArm keeps it honest). Mixing the likelihood ratio against
 * H0: θ = θ0 over θ ~ N(θ0, τ²) gives the closed form
 *
 *   Λ = sqrt(s² / (s² + τ²)) · exp( τ² (d − θ0)² / (2 s² (s² + τ²)) ),
 *
 * and the test rejects H0 when Λ ≥ 1/α, promoting or rolling back by the sign of d − θ0. With n
 * paired observations per arm this is exactly the two-sample mSPRT of Johari et al. (s² = V/n);
 * writing it in s² lets the arms have different n. The variances are estimated from the data, so
 * the guarantee is approximate; promotion-simulation.test.ts measures the real false-promotion
 * rate under a look every 50 feedback events (about 1% at α = 0.05).
 */

// Bound once: global lookups are slow inside vm contexts (Jest runs each test file in one), and
// these functions run inside the promotion simulation's loops.
const { exp, log, sqrt, min, max, abs } = Math;

export interface ArmCounts {
  /** Predictions of this arm that received feedback. */
  n: number;
  /** Of those, how many had the correct subheading at top-1. */
  successes: number;
}

export interface ArmComparison {
  champion: ArmCounts;
  challenger: ArmCounts;
}

export interface SequentialTestConfig {
  /** Chance of ever deciding wrongly under the null, over all looks. */
  alpha?: number;
  /** No decision until both arms have this much feedback (the normal approximation needs it). */
  minSamplesPerArm?: number;
  /**
   * Standard deviation of the mixing distribution over the accuracy difference. The test is most
   * efficient for effects around this size; 0.03 matches the few-point changes model versions
   * usually make, and the simulation shows it is not sensitive within a factor of two or so.
   */
  tau?: number;
  /**
   * 0 (default): promote only a challenger significantly better than the champion. A positive
   * margin switches to non-inferiority: promote once the challenger is significantly better than
   * (champion − margin), roll back once it is significantly worse than that.
   */
  margin?: number;
}

export const SEQUENTIAL_TEST_DEFAULTS: Required<SequentialTestConfig> = {
  alpha: 0.05,
  minSamplesPerArm: 200,
  tau: 0.03,
  margin: 0,
};

export type SequentialDecision = 'promote' | 'rollback' | 'continue';

export interface SequentialStats {
  nChampion: number;
  nChallenger: number;
  /** Observed accuracies; null for an arm without feedback yet (JSON has no NaN). */
  accChampion: number | null;
  accChallenger: number | null;
  /** accChallenger − accChampion; null until both arms have feedback. */
  diff: number | null;
  /** Always-valid 95% confidence interval for the difference (at this look), clipped to [−1, 1]. */
  ci95: [number, number];
  /** log Λ against θ0 = −margin (a log because Λ itself overflows on large samples). */
  statistic: number;
  /** log(1/α): the statistic must reach it for a decision. */
  threshold: number;
  /**
   * min(1, 1/Λ), valid whenever it is looked at. Once both arms have minSamplesPerArm, a decision
   * is made exactly when it is at most α.
   */
  pValueAlwaysValid: number;
}

export interface SequentialTestResult {
  decision: SequentialDecision;
  /** One plain sentence for the decision log and the dashboard. */
  reason: string;
  stats: SequentialStats;
}

const CI_ALPHA = 0.05;

function resolveConfig(config: SequentialTestConfig): Required<SequentialTestConfig> {
  const defaults = SEQUENTIAL_TEST_DEFAULTS;
  const alpha = config.alpha ?? defaults.alpha;
  const minSamplesPerArm = config.minSamplesPerArm ?? defaults.minSamplesPerArm;
  const tau = config.tau ?? defaults.tau;
  const margin = config.margin ?? defaults.margin;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(Number.isInteger(minSamplesPerArm) && minSamplesPerArm >= 1)) {
    throw new RangeError(`minSamplesPerArm must be a positive whole number, got ${minSamplesPerArm}`);
  }
  if (!(tau > 0 && Number.isFinite(tau))) throw new RangeError(`tau must be positive, got ${tau}`);
  if (!(margin >= 0 && margin < 1)) throw new RangeError(`margin must be in [0, 1), got ${margin}`);
  return { alpha, minSamplesPerArm, tau, margin };
}

function checkArm(name: string, arm: ArmCounts): void {
  const { n, successes } = arm;
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(successes) && successes >= 0 && successes <= n)) {
    throw new RangeError(
      `${name} counts must be whole numbers with 0 ≤ successes ≤ n, got ${successes}/${n}`,
    );
  }
}

/**
 * Variance of one arm's accuracy. Half a success is added (and one trial) so an arm that has been
 * all right or all wrong so far does not claim zero variance and an infinite evidence ratio.
 */
function armVariance({ n, successes }: ArmCounts): number {
  const p = (successes + 0.5) / (n + 1);
  return (p * (1 - p)) / n;
}

/** log Λ for H0: θ = θ0 given the observed difference and its variance. */
export function mixtureLogEvidence(diff: number, variance: number, theta0: number, tau: number): number {
  const tau2 = tau * tau;
  const shifted = diff - theta0;
  return (
    0.5 * log(variance / (variance + tau2)) + (tau2 * shifted * shifted) / (2 * variance * (variance + tau2))
  );
}

/** Half-width of {θ0 : log Λ(θ0) < log(1/level)}: the always-valid interval around the difference. */
export function mixtureHalfWidth(variance: number, tau: number, level: number): number {
  const tau2 = tau * tau;
  return sqrt(
    ((variance * (variance + tau2)) / tau2) * (2 * log(1 / level) + log((variance + tau2) / variance)),
  );
}

const clip = (x: number) => min(1, max(-1, x));
const percent = (p: number | null) => (p === null ? 'no' : `${(100 * p).toFixed(1)}%`);
const points = (d: number | null) => (d === null ? '±?' : `${d >= 0 ? '+' : '−'}${abs(100 * d).toFixed(1)}`);
const count = (n: number) => n.toLocaleString('en-US');

/**
 * The decision and its numbers without the sentence: the same rule sequentialTest applies, for
 * callers that evaluate it many times (the promotion simulation).
 */
export function sequentialDecision(
  counts: ArmComparison,
  config: SequentialTestConfig = {},
): { decision: SequentialDecision; stats: SequentialStats } {
  const { alpha, minSamplesPerArm, tau, margin } = resolveConfig(config);
  checkArm('champion', counts.champion);
  checkArm('challenger', counts.challenger);
  const { champion, challenger } = counts;
  const threshold = log(1 / alpha);
  const theta0 = -margin;

  const accChampion = champion.n ? champion.successes / champion.n : null;
  const accChallenger = challenger.n ? challenger.successes / challenger.n : null;
  const diff = accChallenger !== null && accChampion !== null ? accChallenger - accChampion : null;
  let ci95: [number, number] = [-1, 1];
  let statistic = 0;
  if (diff !== null) {
    const variance = armVariance(champion) + armVariance(challenger);
    statistic = mixtureLogEvidence(diff, variance, theta0, tau);
    const halfWidth = mixtureHalfWidth(variance, tau, CI_ALPHA);
    ci95 = [clip(diff - halfWidth), clip(diff + halfWidth)];
  }
  const stats: SequentialStats = {
    nChampion: champion.n,
    nChallenger: challenger.n,
    accChampion,
    accChallenger,
    diff,
    ci95,
    statistic,
    threshold,
    pValueAlwaysValid: min(1, exp(-statistic)),
  };
  let decision: SequentialDecision = 'continue';
  if (champion.n >= minSamplesPerArm && challenger.n >= minSamplesPerArm && statistic >= threshold) {
    decision = (diff as number) > theta0 ? 'promote' : 'rollback';
  }
  return { decision, stats };
}

export function sequentialTest(
  counts: ArmComparison,
  config: SequentialTestConfig = {},
): SequentialTestResult {
  const { decision, stats } = sequentialDecision(counts, config);
  const { alpha, minSamplesPerArm, margin } = resolveConfig(config);
  const { nChampion, nChallenger, accChampion, accChallenger, diff, ci95, statistic } = stats;
  const observed =
    `${percent(accChallenger)} vs ${percent(accChampion)} top-1 accuracy ` +
    `(${points(diff)} points, always-valid 95% CI ${points(ci95[0])} to ${points(ci95[1])}) ` +
    `over ${count(nChallenger)} challenger and ${count(nChampion)} champion feedback events`;
  const marginText = `${(100 * margin).toFixed(1)}-point margin`;

  if (nChampion < minSamplesPerArm || nChallenger < minSamplesPerArm) {
    return {
      decision,
      reason:
        `Waiting for ${count(minSamplesPerArm)} feedback events per arm before deciding ` +
        `(challenger has ${count(nChallenger)}, champion ${count(nChampion)}).`,
      stats,
    };
  }
  if (decision === 'promote') {
    const what =
      margin > 0
        ? `Challenger is not worse than the champion by more than the ${marginText}`
        : 'Challenger is significantly better than the champion';
    return { decision, reason: `${what}: ${observed}.`, stats };
  }
  if (decision === 'rollback') {
    const what =
      margin > 0
        ? `Challenger is worse than the champion by more than the ${marginText}`
        : 'Challenger is significantly worse than the champion';
    return { decision, reason: `${what}: ${observed}.`, stats };
  }
  return {
    decision,
    reason:
      `No significant difference yet${margin > 0 ? ` against the ${marginText}` : ''}: ${observed}; ` +
      `the evidence ratio is ${exp(statistic).toPrecision(3)} of the ${(1 / alpha).toPrecision(3)} needed.`,
    stats,
  };
}
