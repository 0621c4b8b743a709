import type { GuardrailResult, GuardrailStats } from './guardrails';
import type { SequentialStats, SequentialTestResult } from './sequential-test';

/**
 * The ramp policy: what the promote job does to a challenger after each look. In order:
 *
 * 1. A guardrail breach rolls back (weight 0), whatever the accuracy says.
 * 2. The sequential test's 'rollback' rolls back.
 * 3. The sequential test's 'promote' promotes at once, from any step. With promoteFromLastStepOnly
 *    the challenger must first climb every step (each after minSamplesPerStep feedback events, so
 *    the guardrails see it at that traffic share), then is promoted from the last.
 * 4. Past horizonPerArm feedback events per arm without a decision, the challenger has not shown
 *    it is better: roll back rather than run forever.
 * 5. Otherwise ('continue') it climbs to the next step once it has minSamplesPerStep feedback
 *    events at its current weight and a favourable trend (observed accuracy above the champion's),
 *    or cleanSamplesPerStep events regardless of trend, provided the guardrails have enough
 *    requests to have passed. At the last step it holds there until the test decides.
 *
 * A challenger at weight 0 holds: it was never started or has been rolled back, and restarting it
 * is a deliberate act, not something a scheduled job should do.
 *
 * Climbing needs no significance: a higher weight only makes the test decide sooner, and the
 * always-valid test stays valid when the traffic share changes between looks.
 */

export interface RampConfig {
  /** Challenger traffic shares, increasing, each in (0, 1). */
  steps?: number[];
  /** Feedback events at the current weight before a favourable trend may climb a step. */
  minSamplesPerStep?: number;
  /** Feedback events at the current weight after which the challenger climbs whatever the trend. */
  cleanSamplesPerStep?: number;
  /** Promote only from the last step, even when the test is significant earlier. */
  promoteFromLastStepOnly?: boolean;
  /** Feedback events per arm after which an undecided experiment is rolled back; none by default. */
  horizonPerArm?: number;
}

export const RAMP_DEFAULTS: Required<RampConfig> = {
  steps: [0.1, 0.25, 0.5],
  minSamplesPerStep: 200,
  cleanSamplesPerStep: 1000,
  promoteFromLastStepOnly: false,
  horizonPerArm: Infinity,
};

export interface RampInput {
  /** The challenger's current traffic share. */
  weight: number;
  /** Challenger feedback events since its weight was last changed. */
  samplesAtWeight: number;
  test: SequentialTestResult;
  guardrails: GuardrailResult;
}

export type RampAction = 'promote' | 'rollback' | 'ramp' | 'hold';

export interface RampStats {
  weight: number;
  samplesAtWeight: number;
  steps: number[];
  test: SequentialStats;
  guardrails: GuardrailStats;
}

export interface RampDecision {
  action: RampAction;
  /**
   * The challenger's traffic share to apply: the next step for 'ramp', unchanged for 'hold', 0 for
   * 'rollback'. Absent for 'promote', where the challenger becomes the champion.
   */
  weight?: number;
  reason: string;
  stats: RampStats;
}

function resolveConfig(config: RampConfig): Required<RampConfig> {
  const resolved: Required<RampConfig> = {
    steps: config.steps ?? RAMP_DEFAULTS.steps,
    minSamplesPerStep: config.minSamplesPerStep ?? RAMP_DEFAULTS.minSamplesPerStep,
    cleanSamplesPerStep: config.cleanSamplesPerStep ?? RAMP_DEFAULTS.cleanSamplesPerStep,
    promoteFromLastStepOnly: config.promoteFromLastStepOnly ?? RAMP_DEFAULTS.promoteFromLastStepOnly,
    horizonPerArm: config.horizonPerArm ?? RAMP_DEFAULTS.horizonPerArm,
  };
  const { steps, minSamplesPerStep, cleanSamplesPerStep, horizonPerArm } = resolved;
  if (
    !steps.length ||
    steps.some((step, i) => !(step > 0 && step < 1) || (i > 0 && step <= (steps[i - 1] ?? 0)))
  ) {
    throw new RangeError(`steps must be increasing shares in (0, 1), got [${steps.join(', ')}]`);
  }
  if (!(minSamplesPerStep >= 0 && cleanSamplesPerStep >= minSamplesPerStep)) {
    throw new RangeError('cleanSamplesPerStep must be at least minSamplesPerStep, both non-negative');
  }
  if (!(horizonPerArm > 0)) throw new RangeError(`horizonPerArm must be positive, got ${horizonPerArm}`);
  return resolved;
}

const share = (weight: number) => `${Math.round(100 * weight)}%`;

export function decideRamp(input: RampInput, config: RampConfig = {}): RampDecision {
  const { steps, minSamplesPerStep, cleanSamplesPerStep, promoteFromLastStepOnly, horizonPerArm } =
    resolveConfig(config);
  const { weight, samplesAtWeight, test, guardrails } = input;
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`weight must be in [0, 1], got ${weight}`);
  const stats: RampStats = { weight, samplesAtWeight, steps, test: test.stats, guardrails: guardrails.stats };
  const lastStep = steps[steps.length - 1] as number;
  const nextStep = steps.find((step) => step > weight);
  const atLastStep = nextStep === undefined;
  const hold = (reason: string): RampDecision => ({ action: 'hold', weight, reason, stats });
  const climb = (why: string): RampDecision => ({
    action: 'ramp',
    weight: nextStep,
    reason: `${why}; raising the challenger from ${share(weight)} to ${share(nextStep ?? lastStep)} of traffic.`,
    stats,
  });

  if (weight === 0)
    return hold('The challenger receives no traffic; starting or resuming it is not automatic.');
  if (guardrails.decision === 'rollback')
    return { action: 'rollback', weight: 0, reason: guardrails.reason, stats };
  if (test.decision === 'rollback') return { action: 'rollback', weight: 0, reason: test.reason, stats };

  const enoughAtStep = samplesAtWeight >= minSamplesPerStep;
  const guardrailsPassed = guardrails.status === 'pass';
  if (test.decision === 'promote') {
    if (!promoteFromLastStepOnly || atLastStep) return { action: 'promote', reason: test.reason, stats };
    if (enoughAtStep && guardrailsPassed) return climb('Significant, but promotion waits for the last step');
    return hold(
      `Significant, but promotion waits for the last step and the current one needs ` +
        `${minSamplesPerStep} feedback events with passing guardrails (has ${samplesAtWeight}, ` +
        `guardrails ${guardrails.status}).`,
    );
  }

  if (test.stats.nChampion >= horizonPerArm && test.stats.nChallenger >= horizonPerArm) {
    return {
      action: 'rollback',
      weight: 0,
      reason:
        `No decision after ${horizonPerArm.toLocaleString('en-US')} feedback events per arm, so the challenger ` +
        `has not shown it is better; rolling back. ${test.reason}`,
      stats,
    };
  }
  if (atLastStep)
    return hold(`At the last step (${share(weight)}), waiting for the test to decide. ${test.reason}`);
  if (!guardrailsPassed)
    return hold(`Holding at ${share(weight)} until the guardrails can judge. ${guardrails.reason}`);

  const diff = test.stats.diff ?? 0;
  const favourable = diff > 0;
  if (enoughAtStep && favourable) {
    return climb(
      `Favourable trend (${(100 * diff).toFixed(1)} points over the champion, not yet significant) ` +
        `after ${samplesAtWeight} feedback events at this step`,
    );
  }
  if (samplesAtWeight >= cleanSamplesPerStep) {
    return climb(
      `${samplesAtWeight} feedback events at this step without a guardrail breach or a significant loss`,
    );
  }
  return hold(
    `Holding at ${share(weight)}: ${samplesAtWeight} feedback events at this step, ` +
      (favourable
        ? `${minSamplesPerStep} needed to climb on a favourable trend`
        : `${cleanSamplesPerStep} needed to climb without a favourable trend`) +
      '.',
  );
}
