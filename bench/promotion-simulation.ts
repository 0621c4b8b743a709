/**
 * The promotion rule under repeated looks: how often it promotes, rolls back or stays undecided,
 * and how many feedback events per arm it needs to decide, beside the naive fixed-sample z-test
 * looked at just as often.
 *
 *   npx tsx bench/promotion-simulation.ts [--experiments 2000] [--batch 50] [--horizon 10000]
 *     [--tau 0.03] [--alpha 0.05] [--min-samples 200] [--seed 1]
 *
 * --tau takes a comma list (e.g. 0.01,0.02,0.03,0.05) to compare mixing widths. Every experiment
 * looks after each batch of feedback per arm and stops at its first decision; "n to decide" is the
 * mean per-arm sample at the decision over the experiments that decided, "n spent" counts the
 * undecided ones at the horizon too. Seeded: the same arguments print the same rates.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import {
  simulatePromotion,
  type PromotionScenario,
  type RuleSummary,
} from '../runtime/stats/promotion-simulation';

const { values: args } = parseArgs({
  options: {
    experiments: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '50' },
    horizon: { type: 'string', default: '10000' },
    tau: { type: 'string', default: '0.03' },
    alpha: { type: 'string', default: '0.05' },
    'min-samples': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
  },
});

const SCENARIOS: PromotionScenario[] = [
  { name: 'A/A 80% vs 80%', accChampion: 0.8, accChallenger: 0.8 },
  { name: 'better 80% → 81%', accChampion: 0.8, accChallenger: 0.81 },
  { name: 'better 80% → 82%', accChampion: 0.8, accChallenger: 0.82 },
  { name: 'better 80% → 83%', accChampion: 0.8, accChallenger: 0.83 },
  { name: 'worse 80% → 77%', accChampion: 0.8, accChallenger: 0.77 },
];

const rate = (value: number) => `${(100 * value).toFixed(1)}%`;
const samples = (value: number) => (Number.isNaN(value) ? '–' : Math.round(value).toLocaleString('en-US'));
const cells = (summary: RuleSummary) => [
  rate(summary.promoteRate),
  rate(summary.rollbackRate),
  rate(summary.undecidedRate),
  samples(summary.meanSamplesToDecision),
  samples(summary.meanSamplesSpent),
];

function main(): void {
  const experiments = Number(args.experiments);
  const batchPerArm = Number(args.batch);
  const horizonPerArm = Number(args.horizon);
  const alpha = Number(args.alpha);
  const minSamplesPerArm = Number(args['min-samples']);
  const seed = Number(args.seed);
  console.log(
    `# ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `# ${experiments} experiments per scenario, a look every ${batchPerArm} feedback events per arm up to ` +
      `${horizonPerArm.toLocaleString('en-US')}, α = ${alpha}, no decision below ${minSamplesPerArm} per arm`,
  );
  for (const tau of args.tau.split(',').map(Number)) {
    const table = new Table({
      style: { head: [], border: [] },
      head: [
        'scenario',
        'mSPRT promote',
        'rollback',
        'undecided',
        'n to decide',
        'n spent',
        'naive z promote',
        'rollback',
        'undecided',
        'n to decide',
        'n spent',
      ],
    });
    const started = performance.now();
    SCENARIOS.forEach((scenario, index) => {
      const result = simulatePromotion(scenario, {
        experiments,
        batchPerArm,
        horizonPerArm,
        seed: seed * 1000 + index,
        test: { tau, alpha, minSamplesPerArm },
        naiveAlpha: alpha,
      });
      table.push([scenario.name, ...cells(result.sequential), ...cells(result.naive)]);
    });
    console.log(`\nτ = ${tau} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    console.log(table.toString());
  }
}

main();
