/**
 * Runs the policy pack over an offline plan, as `pulumi preview --policy-pack policies` runs it over
 * a preview: prints every violation and exits 1 when any is mandatory. This is how a pull request
 * without cloud credentials (from a fork) is still held to the pack.
 *
 *   npm run plan -- --stack aws-dev --json plan.json
 *   npx tsx scripts/policy-check.ts plan.json [--config policies/config/aws-dev.json]
 */
import { readFileSync } from 'node:fs';
import { evaluatePack, type PackConfig, type ResourceRecord } from '../policies/evaluate';

export interface PolicyCheck {
  report: string;
  failed: boolean;
}

/** The report on a plan (`{resources}` as `npm run plan -- --json` writes it) under a stack's policy config. */
export async function policyCheck(
  plan: { resources: ResourceRecord[] },
  config: PackConfig = {},
): Promise<PolicyCheck> {
  const violations = await evaluatePack(plan.resources, { config });
  const mandatory = violations.filter((v) => v.enforcementLevel === 'mandatory').length;
  const lines = violations.map(
    (v) => `${v.enforcementLevel} ${v.policy} ${v.urn ?? '(stack)'}\n  ${v.message}`,
  );
  const count = `${violations.length} violation${violations.length === 1 ? '' : 's'}`;
  const summary = `${plan.resources.length} resources, ${count} (${mandatory} mandatory)`;
  return { report: [...lines, summary].join('\n'), failed: mandatory > 0 };
}

async function main(argv: string[]) {
  const [file, flag, configFile] = argv;
  if (!file || (flag !== undefined && (flag !== '--config' || !configFile))) {
    throw new Error('usage: tsx scripts/policy-check.ts plan.json [--config policies/config/<stack>.json]');
  }
  const plan = JSON.parse(readFileSync(file, 'utf8')) as { resources: ResourceRecord[] };
  const config = configFile ? (JSON.parse(readFileSync(configFile, 'utf8')) as PackConfig) : {};
  const { report, failed } = await policyCheck(plan, config);
  process.stdout.write(`${report}\n`);
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
