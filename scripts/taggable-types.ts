/**
 * Writes `policies/lib/taggable-types.json`: every resource type of the installed provider
 * packages whose arguments take a `tags` map (AWS, Azure) or a `labels` map (GCP), read from the
 * packages' own typings. The policy pack cannot import the providers (it must stay small and
 * stand alone), so it reads this list; `tests/policy-taggable-types.test.ts` fails while the list
 * is stale against the installed providers.
 *
 *   npx tsx scripts/taggable-types.ts [node_modules folder]   (default: this project's)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectFile } from '../models/paths';

export const TAGGABLE_TYPES_FILE = 'policies/lib/taggable-types.json';
export const PROVIDERS = {
  aws: ['@pulumi/aws', 'tags'],
  gcp: ['@pulumi/gcp', 'labels'],
  azure: ['@pulumi/azure-native', 'tags'],
} as const;

function* resourceModules(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'types' && entry.name !== 'node_modules')
      yield* resourceModules(path);
    else if (entry.isFile() && entry.name.endsWith('.js')) yield path;
  }
}

/** Whether the `…Args` interface of a resource's typings declares `field` as a string map. */
function argsDeclareMap(typings: string, field: string): boolean {
  const args = /^export interface \w+Args \{$([\s\S]*?)^\}$/m.exec(typings)?.[1] ?? '';
  return new RegExp(
    `^    ${field}\\?: pulumi\\.Input<\\{\\n\\s+\\[key: string\\]: pulumi\\.Input<string>;`,
    'm',
  ).test(args);
}

export function taggableTypes(nodeModules: string): string {
  const result: Record<string, unknown> = { generatedFrom: {} };
  for (const [cloud, [pkg, field]] of Object.entries(PROVIDERS)) {
    const root = join(nodeModules, pkg);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
      .version;
    (result.generatedFrom as Record<string, string>)[pkg] = version;
    const types = new Set<string>();
    for (const module of resourceModules(root)) {
      const token = /__pulumiType = '([^']+)'/.exec(readFileSync(module, 'utf8'))?.[1];
      if (!token) continue;
      const typings = readFileSync(module.replace(/\.js$/, '.d.ts'), 'utf8');
      if (argsDeclareMap(typings, field)) types.add(token);
    }
    result[cloud] = [...types].sort();
  }
  return `${JSON.stringify(result, null, 1)}\n`;
}

if (require.main === module) {
  const text = taggableTypes(process.argv[2] ?? projectFile('node_modules'));
  writeFileSync(projectFile(TAGGABLE_TYPES_FILE), text);
  console.log(`${TAGGABLE_TYPES_FILE}: written (${text.length.toLocaleString('en')} characters)`);
}
