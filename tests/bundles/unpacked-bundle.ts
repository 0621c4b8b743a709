import AdmZip from 'adm-zip';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BundleRole } from '../../models/deployment';
import { buildBundle, type BundleIndex } from '../../scripts/bundle/build-bundle';
import { bundleTarget, type Cloud } from '../../scripts/bundle/targets';

const run = promisify(execFile);

export interface UnpackedBundle {
  index: BundleIndex;
  /** The folder the bundles were built into (zips and index files). */
  bundleDir: string;
  /** An empty temporary folder outside the repository holding only the unzipped bundle. */
  dir: string;
}

/** Builds one x64 bundle with the real bundler and unzips it where the repository cannot be seen. */
export async function buildAndUnpack(
  cloud: Cloud,
  role: BundleRole,
  bundleDir: string,
): Promise<UnpackedBundle> {
  const index = await buildBundle(bundleTarget(cloud, role, 'x64'), bundleDir);
  const dir = mkdtempSync(join(tmpdir(), `hscode-${cloud}-${role}-`));
  new AdmZip(join(bundleDir, index.file)).extractAllTo(dir);
  return { index, bundleDir, dir };
}

/**
 * Runs a script in a fresh Node process with only the given environment (no NODE_PATH, no
 * NODE_OPTIONS from the test runner) and returns its stdout parsed as JSON.
 */
export async function runIsolated<T>(
  script: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<T> {
  const { stdout } = await run(process.execPath, [script, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NODE_ENV: 'production', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as T;
}
