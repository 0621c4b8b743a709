/**
 * Reading the local audit trail, as the promote job, the drift check and the open dashboard do
 * every few seconds: a week of daily files parsed from scratch each time (readLocalAudit) against a
 * LocalAuditTrail that parses only what was appended since its last read.
 *
 *   node --expose-gc --import tsx bench/audit-read.ts [--per-day 30000] [--appended 1000] [--runs 7]
 */
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { AuditRecord } from '../runtime/core/audit';
import { readLocalAudit } from '../runtime/jobs/live-outcomes';
import { LocalAuditTrail } from '../runtime/jobs/local-audit-trail';

const { values } = parseArgs({
  options: {
    'per-day': { type: 'string', default: '30000' },
    appended: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '7' },
  },
});
const perDay = Number(values['per-day']);
const appended = Number(values.appended);
const runs = Number(values.runs);

const days = Array.from({ length: 7 }, (_, i) => `2026-11-${String(20 + i).padStart(2, '0')}`);
let serial = 0;
const record = (day: string): AuditRecord => ({
  predictionId: `00000000-0000-4000-8000-${String(serial++).padStart(12, '0')}`,
  time: `${day}T12:00:00.000Z`,
  variant: 'textcnn',
  version: 'textcnn-4c59520718f7',
  modelSha256: 'a'.repeat(64),
  inputSha256: 'b'.repeat(64),
  topK: ['610910', '610990', '611020', '620520', '610510'].map((hs6, i) => ({
    hs6,
    probability: 0.5 / (i + 1),
  })),
  latencyMs: 0.31,
  needsReview: false,
  words: 5,
  unknownWords: 0,
});
const lines = (day: string, count: number) =>
  Array.from({ length: count }, () => JSON.stringify(record(day))).join('\n') + '\n';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  console.log(
    `# ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · ${new Date().toISOString().slice(0, 10)}`,
  );
  const home = mkdtempSync(join(tmpdir(), 'hscode-bench-audit-'));
  mkdirSync(join(home, 'audit'));
  for (const day of days) writeFileSync(join(home, 'audit', `${day}.jsonl`), lines(day, perDay));
  const today = join(home, 'audit', `${days.at(-1)}.jsonl`);

  const heapUsed = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed;
  };
  const heapBefore = heapUsed();
  const trail = new LocalAuditTrail(home);
  await trail.read();
  // What the trail keeps between reads: every parsed record of the window.
  const kept = heapUsed() - heapBefore;
  const full: number[] = [];
  const incremental: number[] = [];
  let total = 0;
  for (let run = 0; run < runs; run++) {
    appendFileSync(today, lines(days.at(-1) as string, appended));
    let started = performance.now();
    total = (await readLocalAudit(home)).length;
    full.push(performance.now() - started);
    started = performance.now();
    const read = (await trail.read()).length;
    incremental.push(performance.now() - started);
    if (read !== total) throw new Error(`the trail read ${read} records, the full parse ${total}`);
  }
  console.log(
    `${total.toLocaleString('en')} records in ${days.length} daily files, ${appended} appended before each read`,
  );
  console.log(`readLocalAudit (parse every file):  median ${median(full).toFixed(1)} ms`);
  console.log(`LocalAuditTrail (parse the tail):   median ${median(incremental).toFixed(1)} ms`);
  console.log(`ratio: ${(median(full) / median(incremental)).toFixed(1)}×`);
  console.log(
    `heap the trail keeps for ${(days.length * perDay).toLocaleString('en')} records: ${(kept / 2 ** 20).toFixed(0)} MiB` +
      ((globalThis as { gc?: unknown }).gc
        ? ''
        : ' (run with node --expose-gc for a figure after collection)'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
