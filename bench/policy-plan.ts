/**
 * The offline plan and the policy pack: for each example stack, the time to plan it under Pulumi's
 * mocks and to evaluate the whole pack over the plan (medians; each plan in a fresh process, as
 * `npm run plan` runs it), the violations on the stack as committed (must be none) and, for each
 * deliberate breakage, the policies that reported it against the one expected.
 *
 *   npx tsx bench/policy-plan.ts [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { planStack } from '../infra/plan';
import { projectFile } from '../models/paths';
import { evaluatePack, type PackConfig } from '../policies/evaluate';
import {
  EXAMPLE_STACKS,
  MUTATIONS,
  exampleStackValues,
  mutatedPlan,
} from '../tests/helpers/policy-mutations';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, stack: { type: 'string' } },
});

interface StackRun {
  resources: number;
  planMs: number;
  packMs: number;
  committed: number;
  breakages: Array<{ what: string; expected: string; reported: string[] }>;
}

/** One stack in this process: Pulumi keeps program state per process, so one plan per process. */
async function runStack(stack: string): Promise<StackRun> {
  const cloud = EXAMPLE_STACKS.find(([name]) => name === stack)?.[1];
  if (!cloud) throw new Error(`unknown example stack ${stack}`);
  const config = JSON.parse(readFileSync(projectFile(`policies/config/${stack}.json`), 'utf8')) as PackConfig;
  const stackValues = exampleStackValues(stack, cloud);
  const planStart = performance.now();
  const plan = await planStack(stackValues, { stack });
  const packStart = performance.now();
  const committed = (await evaluatePack(plan.resources, { config })).length;
  const packEnd = performance.now();
  const breakages = [];
  for (const mutation of MUTATIONS[cloud]) {
    const violations = await evaluatePack(mutatedPlan(plan, mutation), { config });
    breakages.push({
      what: mutation.what,
      expected: mutation.policy,
      reported: [...new Set(violations.map((v) => v.policy))],
    });
  }
  return {
    resources: plan.resources.length,
    planMs: packStart - planStart,
    packMs: packEnd - packStart,
    committed,
    breakages,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function main(): void {
  const runs = Number(values.runs);
  console.log(
    `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${runs} runs per stack`,
  );
  const results = new Map<string, Array<StackRun & { processMs: number }>>();
  for (let run = 0; run < runs; run++) {
    // Alternating stacks, so a busy spell on this shared machine falls on all of them.
    for (const [stack] of EXAMPLE_STACKS) {
      const start = performance.now();
      const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--stack', stack], {
        encoding: 'utf8',
      });
      const processMs = performance.now() - start;
      results.set(stack, [...(results.get(stack) ?? []), { ...(JSON.parse(out) as StackRun), processMs }]);
    }
  }
  let expected = 0;
  let exact = 0;
  for (const [stack, stackRuns] of results) {
    const first = stackRuns[0] as StackRun;
    const ms = (pick: (r: StackRun & { processMs: number }) => number) =>
      median(stackRuns.map(pick)).toFixed(0);
    console.log(
      `${stack}: ${first.resources} resources; whole process ${ms((r) => r.processMs)} ms, ` +
        `program under mocks ${ms((r) => r.planMs)} ms, pack ${ms((r) => r.packMs)} ms (medians); ` +
        `violations as committed: ${first.committed}`,
    );
    for (const b of first.breakages) {
      const ok = b.reported.length === 1 && b.reported[0] === b.expected;
      expected++;
      if (ok) exact++;
      console.log(
        `  ${b.what}: expected ${b.expected}, reported ${b.reported.join(', ') || 'nothing'}${ok ? '' : '  MISMATCH'}`,
      );
    }
  }
  console.log(`breakages reported exactly as expected: ${exact} of ${expected}`);
}

if (values.stack) {
  runStack(values.stack)
    .then((result) => process.stdout.write(JSON.stringify(result)))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
} else {
  main();
}
