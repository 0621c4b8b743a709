import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Runs the `hscode` command from the TypeScript sources in a fresh process, as a user would. */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'cli', 'main.ts'), ...args],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, input, timeout: 300_000 },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
