/**
 * Plans a stack without the Pulumi CLI or a cloud account: runs the program under Pulumi's mocks
 * and prints (or writes) every resource it would register, `{type, name, urn, props, parent}`,
 * the list the policy pack is run over offline.
 *
 *   npx tsx scripts/plan-offline.ts Pulumi.aws-dev.yaml [--out plan.json]
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { planStack } from '../infra/plan';
import { stackFileValues } from '../infra/stack-file';

async function main(argv: string[]) {
  const [file, flag, out] = argv;
  if (!file || (flag !== undefined && (flag !== '--out' || !out))) {
    throw new Error('usage: tsx scripts/plan-offline.ts Pulumi.<stack>.yaml [--out plan.json]');
  }
  const stack = basename(file).replace(/^Pulumi\.|\.yaml$/g, '');
  const plan = await planStack(stackFileValues(file), { stack });
  const text = `${JSON.stringify({ stack, resources: plan.resources, outputs: plan.outputs }, null, 2)}\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
  process.stderr.write(`${plan.resources.length} resources planned for ${stack}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
