import { readFileSync } from 'node:fs';
import type { Plan } from '../infra/plan';
import { projectFile } from '../models/paths';
import { evaluatePack, type PackConfig } from '../policies/evaluate';
import { planIsolated } from '../infra/test-fixtures';
import { EXAMPLE_STACKS, MUTATIONS, exampleStackValues, mutatedPlan } from './helpers/policy-mutations';

/**
 * The policy pack over exactly what each example stack registers under Pulumi's mocks: clean as
 * committed, and each deliberate breakage reported once, by the rule that owns it, and nothing else.
 */

const plans = new Map<string, { plan: Plan; config: PackConfig }>();

beforeAll(async () => {
  for (const [stack, cloud] of EXAMPLE_STACKS) {
    const config = JSON.parse(
      readFileSync(projectFile(`policies/config/${stack}.json`), 'utf8'),
    ) as PackConfig;
    plans.set(stack, { plan: await planIsolated(exampleStackValues(stack, cloud), { stack }), config });
  }
}, 300_000);

describe.each(EXAMPLE_STACKS)('the policy pack over the %s stack', (stack, cloud) => {
  it('finds nothing to report in the stack as committed', async () => {
    const { plan, config } = plans.get(stack)!;
    expect(await evaluatePack(plan.resources, { config })).toEqual([]);
  });

  it.each(MUTATIONS[cloud].map((m) => [m.what, m] as const))(
    'reports %s, and only that',
    async (_what, mutation) => {
      const { plan, config } = plans.get(stack)!;
      expect(plan.resources.some((r) => r.type === mutation.type)).toBe(true);
      const violations = await evaluatePack(mutatedPlan(plan, mutation), { config });
      expect(violations.length).toBeGreaterThan(0);
      expect(new Set(violations.map((v) => v.policy))).toEqual(new Set([mutation.policy]));
      for (const v of violations) expect(v.message).toMatch(/\S+.*\./);
    },
  );
});
