import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '@pulumi/policy';
import { allPolicies } from './all-policies';
import { withDefaults } from './lib/config';
import { functionResourceBounds } from './rules/function-resource-bounds';

const RULES = join(__dirname, 'rules');
const ruleFiles = readdirSync(RULES).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('the pack', () => {
  it.each(ruleFiles)('lists the policy of rules/%s, which is named after its file', async (file) => {
    const exported = Object.values((await import(join(RULES, file))) as Record<string, Policy>);
    expect(exported).toHaveLength(1);
    expect(allPolicies).toContain(exported[0]);
    expect(`${exported[0]!.name}.ts`).toBe(file);
  });

  it('has one rule file per policy', () => {
    expect(ruleFiles).toHaveLength(allPolicies.length);
  });

  it('gives every config setting a default, so a stack with no policy config still runs', () => {
    for (const policy of allPolicies) {
      for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        expect([policy.name, key, schema.default !== undefined]).toEqual([policy.name, key, true]);
      }
    }
  });
});

describe('withDefaults', () => {
  it("fills the schema's defaults as the engine does, and lets the stack's settings win", () => {
    const config = withDefaults<Record<string, unknown>>(functionResourceBounds, { maxMemoryMb: 2048 });
    expect(config).toEqual({
      minMemoryMb: 128,
      maxMemoryMb: 2048,
      awsMaxTimeoutSeconds: 900,
      gcpEventMaxTimeoutSeconds: 540,
      gcpHttpMaxTimeoutSeconds: 3600,
      azureInstanceMemoryMb: [512, 2048, 4096],
    });
  });

  it('hands out copies, so one run cannot change the defaults of the next', () => {
    withDefaults<{ azureInstanceMemoryMb: number[] }>(functionResourceBounds).azureInstanceMemoryMb.push(1);
    expect(
      withDefaults<{ azureInstanceMemoryMb: number[] }>(functionResourceBounds).azureInstanceMemoryMb,
    ).toEqual([512, 2048, 4096]);
  });

  it('gives a policy without a schema just the settings it was given', () => {
    const bare: Policy = { name: 'bare', description: 'A policy without settings.' };
    expect(withDefaults(bare, { a: 1 })).toEqual({ a: 1 });
  });
});
