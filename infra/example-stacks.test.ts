import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStackConfig } from './config';
import { stackFileValues } from './stack-file';
import { PROJECT } from './test-fixtures';

/** The committed example stacks are valid configs, hold no secrets, and each picks its own cloud. */
test.each(['aws', 'gcp', 'azure'] as const)(
  'Pulumi.%s-dev.yaml is a valid stack config without secrets',
  (cloud) => {
    const path = join(__dirname, '..', `Pulumi.${cloud}-dev.yaml`);
    const text = readFileSync(path, 'utf8');
    const config = parseStackConfig(PROJECT, stackFileValues(path));
    expect(config.cloud).toBe(cloud);
    expect(config.auth).toBe('iam');
    expect(text).not.toMatch(/secure:|password|secret:|key:/i);
  },
);
