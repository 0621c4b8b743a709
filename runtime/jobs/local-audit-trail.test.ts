import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../core/audit';
import type { AuditWindow } from '../monitoring/audit-window';
import { LocalAuditTrail } from './local-audit-trail';

const MODEL = { variant: 'textcnn', version: 'textcnn-000000000001' };
/** Each record's confidence names it, so the drift window's confidences show trail order. */
const CONFIDENCE: Record<string, number> = { old: 0.1, a: 0.2, b: 0.3, c: 0.4, d: 0.5, e: 0.6, z: 0.9 };
const record = (predictionId: string, day: string): AuditRecord => ({
  predictionId,
  time: `${day}T10:00:00.000Z`,
  ...MODEL,
  modelSha256: 'a'.repeat(64),
  inputSha256: 'b'.repeat(64),
  topK: [{ hs6: '610910', probability: CONFIDENCE[predictionId] ?? 0.5 }],
  latencyMs: 0.3,
});
const line = (id: string, day: string) => `${JSON.stringify(record(id, day))}\n`;
const NAMES = Object.fromEntries(Object.entries(CONFIDENCE).map(([id, p]) => [p, id]));
/** The window's served predictions, oldest first. */
const ids = (window: AuditWindow) =>
  Array.from(window.newestServed(MODEL, 100).topConfidences as number[], (p) => NAMES[p]);

function auditHome(): { home: string; file: (day: string) => string } {
  const home = mkdtempSync(join(tmpdir(), 'hscode-audit-trail-'));
  mkdirSync(join(home, 'audit'));
  return { home, file: (day) => join(home, 'audit', `${day}.jsonl`) };
}

describe('LocalAuditTrail', () => {
  it('reads the newest days oldest first, skipping lines a crash cut short', async () => {
    const { home, file } = auditHome();
    writeFileSync(file('2026-11-28'), line('old', '2026-11-28'));
    writeFileSync(
      file('2026-11-29'),
      line('a', '2026-11-29') + '{"predictionId":"cut\n' + '7\n' + line('b', '2026-11-29'),
    );
    writeFileSync(file('2026-11-30'), line('c', '2026-11-30'));
    const window = await new LocalAuditTrail(home, 2).window({ newest: 100 });
    expect(ids(window)).toEqual(['a', 'b', 'c']);
    expect(window.records).toBe(3);
    expect([window.firstPrediction, window.lastPrediction]).toEqual([
      '2026-11-29T10:00:00.000Z',
      '2026-11-30T10:00:00.000Z',
    ]);
  });

  it('reads only what was appended since the last read', async () => {
    const { home, file } = auditHome();
    writeFileSync(file('2026-11-30'), line('a', '2026-11-30') + line('b', '2026-11-30'));
    const trail = new LocalAuditTrail(home);
    await trail.window({ newest: 100 });
    // Rewritten in place with the same length: a trail that read it again would see 'z', 'z'.
    writeFileSync(file('2026-11-30'), line('z', '2026-11-30') + line('z', '2026-11-30'));
    appendFileSync(file('2026-11-30'), line('c', '2026-11-30'));
    expect(ids(await trail.window({ newest: 100 }))).toEqual(['a', 'b', 'c']);
  });

  it('reads the window again, once, when asked for what it was not keeping', async () => {
    const { home, file } = auditHome();
    writeFileSync(file('2026-11-30'), line('a', '2026-11-30') + line('b', '2026-11-30'));
    const trail = new LocalAuditTrail(home);
    const before = await trail.window();
    expect(() => before.newestServed(MODEL, 2)).toThrow(/keeps only 0 newest/);
    expect(before.prediction('a')).toBeUndefined();
    const after = await trail.window({ newest: 100, predictionIds: ['a'] });
    expect(ids(after)).toEqual(['a', 'b']);
    expect(after.prediction('a')?.topK).toEqual([{ hs6: '610910', probability: 0.2 }]);
    expect(after.records).toBe(2);
  });

  it('gives reads that overlap (the jobs and an open dashboard) the same, complete window', async () => {
    const { home, file } = auditHome();
    writeFileSync(file('2026-11-30'), line('a', '2026-11-30'));
    const trail = new LocalAuditTrail(home);
    await trail.window({ newest: 100 });
    for (const id of ['b', 'c', 'd']) appendFileSync(file('2026-11-30'), line(id, '2026-11-30'));
    const [one, two] = await Promise.all([trail.window({ newest: 100 }), trail.window({ newest: 100 })]);
    expect(ids(one)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(two)).toEqual(['a', 'b', 'c', 'd']);
    appendFileSync(file('2026-11-30'), line('e', '2026-11-30'));
    expect(ids(await trail.window({ newest: 100 }))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('waits for a line being appended to be complete', async () => {
    const { home, file } = auditHome();
    const whole = line('b', '2026-11-30');
    writeFileSync(file('2026-11-30'), line('a', '2026-11-30') + whole.slice(0, 40));
    const trail = new LocalAuditTrail(home);
    expect(ids(await trail.window({ newest: 100 }))).toEqual(['a']);
    appendFileSync(file('2026-11-30'), whole.slice(40));
    expect(ids(await trail.window({ newest: 100 }))).toEqual(['a', 'b']);
  });

  it('reads a file afresh when it was rewritten shorter, and forgets days that left the window', async () => {
    const { home, file } = auditHome();
    writeFileSync(file('2026-11-29'), line('a', '2026-11-29') + line('b', '2026-11-29'));
    const trail = new LocalAuditTrail(home, 1);
    expect(ids(await trail.window({ newest: 100 }))).toEqual(['a', 'b']);
    writeFileSync(file('2026-11-29'), line('z', '2026-11-29'));
    expect(ids(await trail.window({ newest: 100 }))).toEqual(['z']);
    writeFileSync(file('2026-11-30'), line('c', '2026-11-30'));
    expect(ids(await trail.window({ newest: 100 }))).toEqual(['c']);
  });

  it('reads nothing from a store without audit files', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hscode-audit-trail-'));
    const window = await new LocalAuditTrail(home).window();
    expect([window.records, window.firstPrediction, window.models()]).toEqual([0, null, []]);
  });
});
