import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputSha256, type AuditRecord } from './audit';
import { LocalAuditSink } from './local-audit-sink';

const freshRoot = () => mkdtempSync(join(tmpdir(), 'hscode-audit-'));

function record(time: string, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    predictionId: randomUUID(),
    time,
    variant: 'textcnn',
    version: 'textcnn-0123456789ab',
    modelSha256: 'a'.repeat(64),
    inputSha256: inputSha256('cotton t-shirt'),
    topK: [{ hs6: '610910', probability: 0.8 }],
    latencyMs: 0.1,
    ...extra,
  };
}

const readDay = (root: string, day: string): AuditRecord[] =>
  readFileSync(join(root, 'audit', `${day}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRecord);

describe('LocalAuditSink', () => {
  it('appends JSON lines to one file per UTC day of the record, in write order', async () => {
    const root = freshRoot();
    const sink = new LocalAuditSink(root);
    const late = record('2024-03-01T23:59:59.999Z');
    // 01:30 at +02:00 is still the previous day in UTC.
    const early = record('2024-03-02T01:30:00.000+02:00');
    const next = record('2024-03-02T00:00:00.000Z', { shadow: true, text: 'cotton t-shirt' });
    for (const r of [late, early, next]) sink.write(r);
    await sink.close();
    expect(readdirSync(join(root, 'audit')).sort()).toEqual(['2024-03-01.jsonl', '2024-03-02.jsonl']);
    expect(readDay(root, '2024-03-01')).toEqual([late, early]);
    expect(readDay(root, '2024-03-02')).toEqual([next]);
  });

  it('loses nothing when thousands of records are written and then closed', async () => {
    const root = freshRoot();
    const sink = new LocalAuditSink(root, { maxBufferedRecords: 300 });
    const written = Array.from({ length: 5000 }, (_, i) =>
      record(new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString()),
    );
    for (const r of written) sink.write(r);
    await sink.close();
    expect(readDay(root, '2024-01-01').map((r) => r.predictionId)).toEqual(
      written.map((r) => r.predictionId),
    );
  });

  it('flushes on its own after the interval', async () => {
    const root = freshRoot();
    const sink = new LocalAuditSink(root, { flushIntervalMs: 10 });
    sink.write(record('2024-05-05T10:00:00Z'));
    const file = join(root, 'audit', '2024-05-05.jsonl');
    // Bounded by the clock, not by a count of 10 ms naps: on a busy machine a hundred of them can
    // pass before the timer's append lands.
    const deadline = Date.now() + 10_000;
    while (!(existsSync(file) && readFileSync(file, 'utf8').endsWith('\n')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(readDay(root, '2024-05-05')).toHaveLength(1);
    await sink.close();
  });

  it('keeps records whose append failed and writes them, once, when the disk recovers', async () => {
    const root = freshRoot();
    const lines: string[] = [];
    const sink = new LocalAuditSink(root, { log: (line) => lines.push(line) });
    // A file where the audit folder should be makes every append fail.
    writeFileSync(join(root, 'audit'), 'in the way');
    const first = record('2024-06-01T00:00:00Z');
    sink.write(first);
    await expect(sink.flush()).rejects.toThrow();
    rmSync(join(root, 'audit'));
    const second = record('2024-06-01T00:00:01Z');
    sink.write(second);
    await sink.close();
    expect(readDay(root, '2024-06-01')).toEqual([first, second]);
  });

  it('refuses records after close and records with no valid time', async () => {
    const sink = new LocalAuditSink(freshRoot());
    expect(() => sink.write(record('yesterday'))).toThrow(/not a time/);
    await sink.close();
    expect(() => sink.write(record('2024-01-01T00:00:00Z'))).toThrow(/closed/);
  });

  it('keeps every line whole when two writers append to the same day', async () => {
    const root = freshRoot();
    const sinks = [
      new LocalAuditSink(root, { maxBufferedRecords: 50 }),
      new LocalAuditSink(root, { maxBufferedRecords: 70 }),
    ];
    const long = 'x'.repeat(2000);
    for (let i = 0; i < 1000; i++) sinks[i % 2]?.write(record('2024-07-07T12:00:00Z', { text: long }));
    await Promise.all(sinks.map((s) => s.close()));
    const records = readDay(root, '2024-07-07');
    expect(records).toHaveLength(1000);
    expect(new Set(records.map((r) => r.predictionId)).size).toBe(1000);
  });

  it('finds the served record of a prediction in the buffer and in the files, never a shadow', async () => {
    const root = freshRoot();
    const sink = new LocalAuditSink(root, { flushIntervalMs: 60_000 });
    const served = record('2024-08-01T09:00:00Z');
    const shadow = {
      ...record('2024-08-01T09:00:00Z'),
      predictionId: served.predictionId,
      variant: 'dnn',
      shadow: true,
    };
    sink.write(shadow);
    sink.write(served);
    expect(await sink.findPrediction(served.predictionId)).toEqual(served);
    await sink.flush();
    const older = record('2024-07-30T09:00:00Z');
    sink.write(older);
    await sink.close();
    const reader = new LocalAuditSink(root);
    expect(await reader.findPrediction(served.predictionId)).toEqual(served);
    expect(await reader.findPrediction(older.predictionId)).toEqual(older);
    expect(await reader.findPrediction(randomUUID())).toBeUndefined();
    const shortMemory = new LocalAuditSink(root, { lookupDays: 1 });
    expect(await shortMemory.findPrediction(older.predictionId)).toBeUndefined();
  });
});

describe('finding predictions through the audit index', () => {
  it('answers a flood of unknown ids without reading the audit files again, and still sees appends by others', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hscode-audit-index-'));
    const writer = new LocalAuditSink(root);
    const ids = Array.from({ length: 2000 }, () => randomUUID());
    ids.forEach((predictionId, i) =>
      writer.write({
        predictionId,
        time: `2024-09-0${1 + (i % 7)}T10:00:00.000Z`,
        variant: 'textcnn',
        version: 'textcnn-0123456789ab',
        modelSha256: 'b'.repeat(64),
        inputSha256: 'c'.repeat(64),
        topK: [{ hs6: '610910', probability: 0.7 }],
        latencyMs: 1,
      }),
    );
    await writer.close();
    const reader = new LocalAuditSink(root);
    expect((await reader.findPrediction(ids[1234]!))?.predictionId).toBe(ids[1234]);
    const read = reader.index.bytesRead;
    expect(read).toBeGreaterThan(0);
    for (let i = 0; i < 500; i++) expect(await reader.findPrediction(randomUUID())).toBeUndefined();
    // Unknown ids are answered from memory: not one more byte of the audit files was read.
    expect(reader.index.bytesRead).toBe(read);
    // Another process (hscode predict) appends: the next lookup reads only the new bytes and finds it.
    const other = new LocalAuditSink(root);
    const late = randomUUID();
    other.write({
      ...(await reader.findPrediction(ids[0]!))!,
      predictionId: late,
      time: '2024-09-07T11:00:00.000Z',
    });
    await other.close();
    expect((await reader.findPrediction(late))?.predictionId).toBe(late);
  });
});
