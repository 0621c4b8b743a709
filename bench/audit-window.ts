/**
 * The audit window at scale: a realistic trail of `--records` requests over a week (10 million by
 * default, about 6.5 GB of daily files, written to disk as it is generated, never held), the
 * feedback analysts gave on some of them, real models and registry; then, in a fresh process, the
 * dashboard's data, the promote job and the drift check one after the other over one shared trail,
 * as the server runs them. Prints the time of each, the heap still reachable afterwards (the
 * running aggregates), and the highest heap (garbage included) and RSS growth seen while they ran.
 * The first run of each reads the whole window: each asks for aggregates the others did not.
 *
 *   npx tsx bench/audit-window.ts [--records N] [--feedback-rate R] [--home DIR] [--keep]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { prepareDeployment } from '../tests/helpers/audit-load';
import type { AuditMemoryReport } from '../tests/helpers/audit-readers';
import type { TrailShape } from '../tests/helpers/realistic-trail';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] as string) : fallback;
};
const records = Number(arg('records', '10000000'));
const home = arg('home', '') || mkdtempSync(join(tmpdir(), 'hscode-audit-bench-'));
const shape: TrailShape = {
  seed: 9,
  days: ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30'],
  perDay: Math.ceil(records / 7),
  feedbackRate: Number(arg('feedback-rate', '0.002')),
};
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

const child = async (nodeOptions: string[], script: string, args: string[]) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeOptions, '--require', 'tsx/cjs', join(__dirname, '..', 'tests', 'helpers', script), ...args],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout) as unknown;
};

async function main() {
  console.log(
    `${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, ${new Date().toISOString()}`,
  );
  const { models } = await prepareDeployment(home, shape);
  const started = performance.now();
  const written = (await child([], 'audit-trail-writer.ts', [
    home,
    JSON.stringify(shape),
    JSON.stringify(models),
  ])) as {
    lines: number;
    bytes: number;
    feedback: number;
  };
  console.log(
    `trail: ${written.lines.toLocaleString('en-US')} lines (${records.toLocaleString('en-US')} requests, shadows included), ` +
      `${mb(written.bytes)}, ${written.feedback.toLocaleString('en-US')} feedback records; written in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const report = (await child(['--expose-gc'], 'audit-readers-probe.ts', [
    home,
    '2026-11-30T23:59:59.000Z',
  ])) as AuditMemoryReport;
  for (const step of report.steps) console.log(`${step.name.padEnd(10)} ${(step.ms / 1000).toFixed(1)} s`);
  console.log(`reachable after (aggregates held): ${mb(report.retainedBytes)}`);
  console.log(`peak growth while reading: heap ${mb(report.peakHeapBytes)}, RSS ${mb(report.peakRssBytes)}`);
  console.log(
    `champion served ${report.servedByChampion.toLocaleString('en-US')}; promote: ${report.decisions.join(', ')}; drift: ${report.driftStatus}`,
  );
  if (!process.argv.includes('--keep') && !arg('home', '')) rmSync(home, { recursive: true, force: true });
}

void main();
