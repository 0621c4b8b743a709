import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord, LiveRecord } from '../core/audit';
import { LocalAuditTrail } from './local-audit-trail';

const record = (predictionId: string, day: string): AuditRecord => ({
  predictionId,
  time: `${day}T10:00:00.000Z`,
  variant: 'textcnn',
  version: 'textcnn-000000000001',
  modelSha256: 'a'.repeat(64),
  inputSha256: 'b'.repeat(64),
  topK: [{ hs6: '610910', probability: 0.9 }],
  latencyMs: 0.3,
});
const line = (id: string, day: string) => `${JSON.stringify(record(id, day))}\n`;
const ids = (records: LiveRecord[]) => records.map((r) => r.predictionId);

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
      line('a', '2026-11-29') + '{"predictionId":"cut\n' + line('b', '2026-11-29'),
    );
    writeFileSync(file('2026-11-30'), line('c', '2026-11-30'));
    expect(ids(await new LocalAuditTrail(home, 2).read())).toEqual(['a', 'b', 'c']);
  });

  it('parses only what was appended since the last read', async () => {
    const { home, file } = auditHome();
    writeFileSync(file('2026-11-30'), line('a', '2026-11-30') + line('b', '2026-11-30'));
    const trail = new LocalAuditTrail(home);
    const first = await trail.read();
    appendFileSync(file('2026-11-30'), line('c', '2026-11-30'));
    const second = await trail.read();
    expect(ids(second)).toEqual(['a', 'b', 'c']);
    // The same objects, not a second parse of the same lines.
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
  });

  it('gives reads that overlap (the jobs and an open dashboard) the same, complete records', async () => {
    const { home, file } = auditHome();
    writeFileSync(file('2026-11-30'), line('a', '2026-11-30'));
    const trail = new LocalAuditTrail(home);
    await trail.read();
    for (const id of ['b', 'c', 'd']) appendFileSync(file('2026-11-30'), line(id, '2026-11-30'));
    const [one, two] = await Promise.all([trail.read(), trail.read()]);
    expect(ids(one)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(two)).toEqual(['a', 'b', 'c', 'd']);
    appendFileSync(file('2026-11-30'), line('e', '2026-11-30'));
    expect(ids(await trail.read())).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('waits for a line being appended to be complete', async () => {
    const { home, file } = auditHome();
    const whole = line('b', '2026-11-30');
    writeFileSync(file('2026-11-30'), line('a', '2026-11-30') + whole.slice(0, 40));
    const trail = new LocalAuditTrail(home);
    expect(ids(await trail.read())).toEqual(['a']);
    appendFileSync(file('2026-11-30'), whole.slice(40));
    expect(ids(await trail.read())).toEqual(['a', 'b']);
  });

  it('parses a file afresh when it was rewritten shorter, and forgets days that left the window', async () => {
    const { home, file } = auditHome();
    writeFileSync(file('2026-11-29'), line('a', '2026-11-29') + line('b', '2026-11-29'));
    const trail = new LocalAuditTrail(home, 1);
    expect(ids(await trail.read())).toEqual(['a', 'b']);
    writeFileSync(file('2026-11-29'), line('z', '2026-11-29'));
    expect(ids(await trail.read())).toEqual(['z']);
    writeFileSync(file('2026-11-30'), line('c', '2026-11-30'));
    expect(ids(await trail.read())).toEqual(['c']);
  });

  it('keeps only what the jobs and the dashboard read: no text, no hashes, the top candidate', async () => {
    const { home, file } = auditHome();
    const full: AuditRecord = {
      ...record('a', '2026-11-30'),
      text: 'cotton t-shirt',
      topK: [
        { hs6: '610910', probability: 0.9 },
        { hs6: '610990', probability: 0.05 },
      ],
      shadow: true,
      words: 2,
      unknownWords: 0,
    };
    writeFileSync(file('2026-11-30'), `${JSON.stringify(full)}\n`);
    expect(await new LocalAuditTrail(home).read()).toEqual([
      {
        predictionId: 'a',
        time: full.time,
        variant: full.variant,
        version: full.version,
        latencyMs: full.latencyMs,
        topK: [{ hs6: '610910', probability: 0.9 }],
        shadow: true,
        words: 2,
        unknownWords: 0,
      },
    ]);
  });

  it('reads nothing from a store without audit files', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hscode-audit-trail-'));
    expect(await new LocalAuditTrail(home).read()).toEqual([]);
  });
});
