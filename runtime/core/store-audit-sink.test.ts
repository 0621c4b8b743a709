import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreAuditTrail } from '../jobs/store-audit-trail';
import { LocalObjectStore } from '../store/local-store';
import type { ObjectStore, PutOptions } from '../store/object-store';
import type { AuditRecord } from './audit';
import { StoreAuditSink } from './store-audit-sink';

const record = (i: number, time = '2026-12-01T10:00:00.000Z'): AuditRecord => ({
  predictionId: `p-${i}`,
  time,
  variant: 'textcnn',
  version: 'textcnn-aaaaaaaaaaaa',
  modelSha256: 'a'.repeat(64),
  inputSha256: 'b'.repeat(64),
  // The confidence names the record, so the drift window's confidences show trail order.
  topK: [{ hs6: '610910', probability: i / 10 }],
  latencyMs: 1,
});
const MODEL = { variant: 'textcnn', version: 'textcnn-aaaaaaaaaaaa' };
/** The served predictions the trail's window holds, oldest first. */
async function servedIds(trail: StoreAuditTrail, atMost: number): Promise<string[]> {
  const window = await trail.window({ newest: 10 });
  return Array.from(
    window.newestServed(MODEL, atMost).topConfidences as number[],
    (p) => `p-${Math.round(p * 10)}`,
  );
}

const freshStore = () => new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-store-audit-')));
const now = () => new Date('2026-12-01T12:00:00.000Z');

describe('StoreAuditSink and StoreAuditTrail', () => {
  it('stores each flush as new objects per day that the trail reads back in order', async () => {
    const store = freshStore();
    const sink = new StoreAuditSink(store, { instanceId: 'one', now });
    sink.write(record(1, '2026-11-30T23:59:59.000Z'));
    sink.write(record(2));
    await sink.flush();
    sink.write(record(3));
    await sink.flush();
    expect(await store.list('audit/2026-11-30/')).toHaveLength(1);
    expect(await store.list('audit/2026-12-01/')).toHaveLength(2);
    const trail = new StoreAuditTrail(store, { days: 2, now });
    expect(await servedIds(trail, 3)).toEqual(['p-1', 'p-2', 'p-3']);
  });

  it('never overwrites another instance: each object is created only if absent', async () => {
    const store = freshStore();
    const a = new StoreAuditSink(store, { instanceId: 'same', now });
    const b = new StoreAuditSink(store, { instanceId: 'same', now });
    a.write(record(1));
    b.write(record(2));
    await a.flush();
    // Same instance id, time and sequence: the second write must fail, not replace the first.
    await expect(b.flush()).rejects.toThrow(/already exists/);
    b.write(record(3));
    await b.flush(); // the next sequence number is free: the kept record goes out with it
    expect((await servedIds(new StoreAuditTrail(store, { days: 1, now }), 3)).sort()).toEqual([
      'p-1',
      'p-2',
      'p-3',
    ]);
  });

  it('keeps records a failed write could not store and writes them with the next flush', async () => {
    const store = freshStore();
    let fail = true;
    // The real store, with writes failing while `fail` holds.
    const flaky: ObjectStore = Object.create(store);
    flaky.put = (key: string, body: Uint8Array | string, options?: PutOptions) =>
      fail ? Promise.reject(new Error('service unavailable')) : store.put(key, body, options);
    const sink = new StoreAuditSink(flaky, { instanceId: 'x', now });
    sink.write(record(1));
    await expect(sink.flush()).rejects.toThrow(/unavailable/);
    fail = false;
    sink.write(record(2));
    await sink.flush();
    expect(await servedIds(new StoreAuditTrail(store, { days: 1, now }), 3)).toEqual(['p-1', 'p-2']);
  });

  it('reads an object once per warm instance and forgets days that left the window', async () => {
    const store = freshStore();
    const sink = new StoreAuditSink(store, { instanceId: 'x', now });
    sink.write(record(1, '2026-11-20T10:00:00.000Z'));
    sink.write(record(2));
    await sink.flush();
    let reads = 0;
    const counting: ObjectStore = Object.create(store);
    counting.readStream = (key) => (reads++, store.readStream(key));
    const trail = new StoreAuditTrail(counting, { days: 7, now });
    expect(await servedIds(trail, 2)).toEqual(['p-2']);
    await trail.window({ newest: 10 });
    expect(reads).toBe(1);
    sink.write(record(3));
    await sink.flush();
    expect(await servedIds(trail, 3)).toEqual(['p-2', 'p-3']);
    expect(reads).toBe(2);
  });
});
