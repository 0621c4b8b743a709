import { execFileSync } from 'node:child_process';
import { OPTIONAL_FUNCTION_ENV } from '../models/deployment';
import { projectRoot } from '../models/paths';

/**
 * The git commit the code came from ("-dirty" when the tree has local changes), so a manifest
 * names the code that trained it. Deployed bundles set HSCODE_CODE_VERSION instead.
 */
export function codeVersion(): string {
  const deployed = process.env[OPTIONAL_FUNCTION_ENV.codeVersion];
  if (deployed) return deployed;
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: projectRoot(),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const sha = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}
