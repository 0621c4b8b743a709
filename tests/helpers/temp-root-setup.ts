import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the run's temporary folders go (read by temp-root-teardown.ts). */
export const TEMP_ROOT_ENV = 'HSCODE_TEST_TEMP_ROOT';

/**
 * Every temporary folder of a test run (the tests', and those of the servers, trainings and
 * browsers they start) is made under one folder for the run, removed when it ends: runs once
 * left thousands of folders, and a 300 MB install each, in the system's temporary folder. Jest
 * starts its workers after this, so they and their children inherit TMPDIR.
 */
export default function setup(): void {
  const root = mkdtempSync(join(tmpdir(), 'hscode-test-run-'));
  process.env[TEMP_ROOT_ENV] = root;
  process.env.TMPDIR = root;
}
