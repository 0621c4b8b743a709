import { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { planStack, type Plan, type PlannedResource } from '../infra/plan';
import { stackFileValues } from '../infra/stack-file';
import { projectFile } from '../models/paths';
import type { PackConfig } from '../policies/evaluate';
import { errorMessage } from '../runtime/core/errors';
import { policyCheck } from './policy-check';

const PROJECT = 'hscode-mlops';

/** A resource's tags or labels, whichever its provider calls them. */
const tagsOf = (props: Record<string, unknown>): Record<string, unknown> | undefined =>
  (props.tags ?? props.labels) as Record<string, unknown> | undefined;

/** The few inputs that say what a resource is, by kind; the full set is in --json. */
function keyProps(resource: PlannedResource): string {
  const p = resource.props;
  const picked: Array<[string, unknown]> = [
    ['key', p.key ?? p.name ?? p.blobName],
    ['runtime', p.runtime ?? (p.buildConfig as { runtime?: unknown } | undefined)?.runtime],
    ['memory', p.memorySize ?? p.availableMemory],
    ['timeout', p.timeout ?? p.timeoutSeconds],
    ['retention', p.retentionInDays ?? p.retentionDays],
    ['auth', p.authorizationType],
    ['schedule', p.scheduleExpression ?? p.schedule],
  ];
  return picked
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
}

function describePlan(stack: string, plan: Plan): string {
  const lines = [`${stack}: ${plan.resources.length} resources`];
  for (const resource of plan.resources) {
    const tags = tagsOf(resource.props);
    const tagText = tags
      ? ` [${Object.entries(tags)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ')}]`
      : '';
    lines.push(`  + ${resource.type}  ${resource.name}  ${keyProps(resource)}${tagText}`.trimEnd());
  }
  return lines.join('\n');
}

/** The stack file's config, with the local paths a reviewer may point elsewhere. */
function stackConfig(stack: string, opts: { bundles?: string; artifact?: string }): Record<string, string> {
  const file = projectFile(`Pulumi.${stack}.yaml`);
  if (!existsSync(file))
    throw new Error(
      `there is no Pulumi.${stack}.yaml: the example stacks are aws-dev, gcp-dev and azure-dev`,
    );
  const values = stackFileValues(file);
  if (opts.bundles) values[`${PROJECT}:bundleDir`] = opts.bundles;
  if (opts.artifact) {
    const model = JSON.parse(values[`${PROJECT}:model`] ?? '{}') as Record<string, unknown>;
    values[`${PROJECT}:model`] = JSON.stringify({ ...model, artifact: opts.artifact });
  }
  return values;
}

const program = new Command('plan')
  .description('Plan a stack offline (no Pulumi CLI, no cloud account) and run the policy pack over it')
  .requiredOption(
    '--stack <name>',
    'an example stack: aws-dev, gcp-dev or azure-dev (reads Pulumi.<name>.yaml)',
  )
  .option('--bundles <dir>', 'bundle folder (default: the stack’s bundleDir, dist/bundles)')
  .option('--artifact <dir>', 'model artifact to publish (default: the stack’s model.artifact)')
  .option('--json <file>', 'also write every planned resource with all its inputs to this file')
  .addHelpText(
    'after',
    `
The program runs under Pulumi's mocks, exactly as "pulumi preview" would run it, so what is printed
is what the stack would create; the policy pack then checks it with policies/config/<stack>.json.
Exits 1 when a mandatory policy is violated. It needs what "pulumi up" needs: the bundles
("npm run bundle -- --cloud <cloud>") and the model artifact ("npx hscode train --out dist/model/textcnn").

Examples:
  $ npm run plan -- --stack aws-dev
  $ npm run plan -- --stack gcp-dev --json plan.json`,
  )
  .action(async (opts: { stack: string; bundles?: string; artifact?: string; json?: string }) => {
    const started = Date.now();
    const plan = await planStack(stackConfig(opts.stack, opts), { stack: opts.stack });
    const configFile = projectFile(`policies/config/${opts.stack}.json`);
    const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as PackConfig) : {};
    const { report, failed } = await policyCheck(plan, config);
    if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ stack: opts.stack, ...plan }, null, 2)}\n`);
    process.stdout.write(`${describePlan(opts.stack, plan)}\n\npolicy pack:\n${report}\n`);
    process.stderr.write(`planned and checked in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    process.exitCode = failed ? 1 : 0;
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`plan: ${errorMessage(err)}\n`);
  process.exit(2);
});
