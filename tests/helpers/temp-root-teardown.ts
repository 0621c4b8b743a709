import { rmSync } from 'node:fs';
import { TEMP_ROOT_ENV } from './temp-root-setup';

/** Removes the run's temporary folder (see temp-root-setup.ts). */
export default function teardown(): void {
  const root = process.env[TEMP_ROOT_ENV];
  if (root) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
