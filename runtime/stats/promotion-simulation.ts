import { fixedSampleZTest } from './fixed-sample-z-test';
import { binomialDraw, mulberry32 } from './seeded-random';
import { SEQUENTIAL_TEST_DEFAULTS, sequentialDecision, type SequentialTestConfig } from './sequential-test';

/**
 * Monte Carlo of the promotion rule as the promote job runs it: feedback arrives in batches of
 * equal size per arm, the rule is looked at after every batch, and the first 'promote' or
 * 'rollback' ends the experiment. The naive fixed-sample z-test is run on the same outcomes, looked
 * at just as often, to show what peeking does to it.
 */

export interface PromotionScenario {
  name: string;
  accChampion: number;
  accChallenger: number;
}

export interface SimulationOptions {
  experiments: number;
  batchPerArm: number;
  horizonPerArm: number;
  seed: number;
  test?: SequentialTestConfig;
  /** Level of the naive two-sided z-test. */
  naiveAlpha?: number;
}

export interface RuleSummary {
  promoteRate: number;
  rollbackRate: number;
  undecidedRate: number;
  /** Feedback events per arm at the decision, over the experiments that decided. */
  meanSamplesToDecision: number;
  /** Feedback events per arm spent, counting undecided experiments at the horizon. */
  meanSamplesSpent: number;
}

export interface ScenarioResult {
  scenario: PromotionScenario;
  experiments: number;
  sequential: RuleSummary;
  naive: RuleSummary;
}

class Tally {
  promoted = 0;
  rolledBack = 0;
  decidedSamples = 0;
  spentSamples = 0;

  record(decision: 'promote' | 'rollback' | 'continue', samples: number): void {
    if (decision === 'promote') this.promoted++;
    if (decision === 'rollback') this.rolledBack++;
    if (decision !== 'continue') this.decidedSamples += samples;
    this.spentSamples += samples;
  }

  summary(experiments: number): RuleSummary {
    const decided = this.promoted + this.rolledBack;
    return {
      promoteRate: this.promoted / experiments,
      rollbackRate: this.rolledBack / experiments,
      undecidedRate: (experiments - decided) / experiments,
      meanSamplesToDecision: decided ? this.decidedSamples / decided : NaN,
      meanSamplesSpent: this.spentSamples / experiments,
    };
  }
}

export function simulatePromotion(scenario: PromotionScenario, options: SimulationOptions): ScenarioResult {
  const { experiments, batchPerArm, horizonPerArm, seed } = options;
  const test = { ...SEQUENTIAL_TEST_DEFAULTS, ...options.test };
  const naiveOptions = { alpha: options.naiveAlpha ?? 0.05, minSamplesPerArm: test.minSamplesPerArm };
  const random = mulberry32(seed);
  const sequential = new Tally();
  const naive = new Tally();

  for (let experiment = 0; experiment < experiments; experiment++) {
    const counts = { champion: { n: 0, successes: 0 }, challenger: { n: 0, successes: 0 } };
    let sequentialOpen = true;
    let naiveOpen = true;
    while (counts.champion.n < horizonPerArm && (sequentialOpen || naiveOpen)) {
      const batch = Math.min(batchPerArm, horizonPerArm - counts.champion.n);
      counts.champion.n += batch;
      counts.champion.successes += binomialDraw(random, batch, scenario.accChampion);
      counts.challenger.n += batch;
      counts.challenger.successes += binomialDraw(random, batch, scenario.accChallenger);
      const n = counts.champion.n;
      if (sequentialOpen) {
        const { decision } = sequentialDecision(counts, test);
        if (decision !== 'continue' || n >= horizonPerArm) {
          sequential.record(decision, n);
          sequentialOpen = false;
        }
      }
      if (naiveOpen) {
        const { decision } = fixedSampleZTest(counts, naiveOptions);
        if (decision !== 'continue' || n >= horizonPerArm) {
          naive.record(decision, n);
          naiveOpen = false;
        }
      }
    }
  }
  return {
    scenario,
    experiments,
    sequential: sequential.summary(experiments),
    naive: naive.summary(experiments),
  };
}
