import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStackConfig } from './config';
import { PROJECT } from './test-fixtures';

/** The committed example stacks are valid configs, hold no secrets, and each picks its own cloud. */
test.each(['aws', 'gcp', 'azure'] as const)('Pulumi.%s-dev.yaml is a valid stack config without secrets', (cloud) => {
  const text = readFileSync(join(__dirname, '..', `Pulumi.${cloud}-dev.yaml`), 'utf8');
  const stack = load(text) as { config: Record<string, unknown> };
  // Pulumi hands structured values to the program as JSON text.
  const values = Object.fromEntries(
    Object.entries(stack.config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
  const config = parseStackConfig(PROJECT, values);
  expect(config.cloud).toBe(cloud);
  expect(config.auth).toBe('iam');
  expect(text).not.toMatch(/secure:|password|secret:|key:/i);
});
