import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../models/paths';
import { prepareDeployment } from './helpers/audit-load';
import type { AuditMemoryReport } from './helpers/audit-readers';
import type { TrailShape } from './helpers/realistic-trail';

/**
 * The dashboard, the promote job and the drift check read a week of 300,000 audit records (about
 * 200 MB of files) in a child process whose heap is capped at 48 MB (7 MB of it taken by the modules): holding the records, as the
 * readers once did at about 1.2 KB each, would need several times that and the child would die.
 * What stays reachable afterwards (the running aggregates) must stay under 16 MB. Time is not
 * asserted; bench/audit-window.ts measures it at 10 million records.
 */

const SHAPE: TrailShape = {
  seed: 5,
  days: ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30'],
  perDay: 300_000 / 7,
  feedbackRate: 0.004,
};
const HEAP_MB = 48;
const RETAINED_CEILING = 16 * 1024 * 1024;

const child = async (nodeOptions: string[], script: string, args: string[]): Promise<unknown> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeOptions, '--require', 'tsx/cjs', join(projectRoot(), 'tests/helpers', script), ...args],
    { cwd: projectRoot(), maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout) as unknown;
};

it('reads 300,000 audit records with a capped heap and keeps aggregates, not records', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hscode-audit-memory-'));
  const { models } = await prepareDeployment(home, SHAPE);
  const written = (await child([], 'audit-trail-writer.ts', [
    home,
    JSON.stringify(SHAPE),
    JSON.stringify(models),
  ])) as {
    lines: number;
  };
  expect(written.lines).toBeGreaterThan(300_000);
  const report = (await child(['--expose-gc', `--max-old-space-size=${HEAP_MB}`], 'audit-readers-probe.ts', [
    home,
    '2026-11-30T23:59:59.000Z',
  ])) as AuditMemoryReport;
  expect(report.steps.map((s) => s.name)).toEqual(['dashboard', 'promote', 'drift']);
  // The readers saw the whole week: the champion answered most of the 300,000 requests.
  expect(report.servedByChampion).toBeGreaterThan(150_000);
  expect(report.decisions).toHaveLength(1);
  expect(report.retainedBytes).toBeLessThan(RETAINED_CEILING);
}, 240_000);
