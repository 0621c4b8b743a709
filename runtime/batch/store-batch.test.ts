import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchService, csvObjects, type BatchService } from '../../tests/helpers/batch-fixture';
import type { PredictRequest } from '../core/predict-request';
import { releaseSharedSessions } from '../core/session-cache';
import { batchOutputKeys } from './batch-keys';
import type { BatchSummary } from './batch-summary';
import { runBatchForObject } from './store-batch';

const read = async (fixture: BatchService, key: string) => {
  const object = await fixture.store.get(key);
  return object && Buffer.from(object.body).toString('utf8');
};

describe('runBatchForObject', () => {
  let fixture: BatchService;
  beforeAll(async () => {
    fixture = await batchService();
  });
  afterAll(async () => {
    await fixture.service.close();
    await releaseSharedSessions();
  });

  it.each([
    [
      'batch/in/orders.csv',
      'batch/out/orders.csv',
      'batch/out/orders.rejects.csv',
      'batch/out/orders.summary.json',
    ],
    [
      'batch/in/eu/q1.tsv',
      'batch/out/eu/q1.csv',
      'batch/out/eu/q1.rejects.csv',
      'batch/out/eu/q1.summary.json',
    ],
    ['batch/in/a.b.jsonl', 'batch/out/a.b.csv', 'batch/out/a.b.rejects.csv', 'batch/out/a.b.summary.json'],
    ['batch/in/list', 'batch/out/list.csv', 'batch/out/list.rejects.csv', 'batch/out/list.summary.json'],
  ])('names the outputs of %s after it', (key, predictions, rejects, summary) => {
    expect(batchOutputKeys(key)).toEqual({ predictions, rejects, summary });
  });

  it.each(['batch/out/orders.csv', 'data/incoming/orders.csv', 'batch/inbox.csv', 'batch/orders.csv'])(
    'skips %s, which is not under batch/in/, and says so',
    async (key) => {
      await fixture.store.put(key, 'description\ntea\n');
      expect(await runBatchForObject({ store: fixture.store, key, service: fixture.service })).toEqual({
        status: 'skipped',
        key,
        reason: `${key} is not under batch/in/`,
      });
    },
  );

  it('predicts an input into batch/out/, once per content, and clears rejects an earlier content left', async () => {
    const { store, service } = fixture;
    const key = 'batch/in/orders.csv';
    await store.put(key, 'sku,description\n1,cotton t-shirt\n2,\n3,frozen fish\n');
    const first = await runBatchForObject({ store, key, service });
    expect(first.status).toBe('done');
    const rows = csvObjects((await read(fixture, 'batch/out/orders.csv')) ?? '');
    expect(rows.map((r) => [r.line, r.id, r.description])).toEqual([
      ['2', '1', 'cotton t-shirt'],
      ['4', '3', 'frozen fish'],
    ]);
    expect(csvObjects((await read(fixture, 'batch/out/orders.rejects.csv')) ?? '')).toEqual([
      { line: '3', reason: 'blank-description', raw: '2,' },
    ]);
    const summary = JSON.parse(
      (await read(fixture, 'batch/out/orders.summary.json')) ?? '{}',
    ) as BatchSummary;
    expect(summary).toMatchObject({
      input: key,
      rows: { read: 3, predicted: 2, rejected: 1 },
      outputs: {
        predictions: 'batch/out/orders.csv',
        rejects: 'batch/out/orders.rejects.csv',
        summary: 'batch/out/orders.summary.json',
      },
    });
    const audited = new Set((await fixture.audit()).map((r) => r.predictionId));
    expect(rows.every((r) => audited.has(r.prediction_id as string))).toBe(true);

    expect(await runBatchForObject({ store, key, service })).toEqual({
      status: 'skipped',
      key,
      reason: `${key} had the same content and was processed`,
    });

    await store.put(key, 'sku,description\n1,cotton t-shirt\n2,steel bolts\n');
    const second = await runBatchForObject({ store, key, service });
    expect(second.status === 'done' && second.summary.rows).toMatchObject({ predicted: 2, rejected: 0 });
    expect(await read(fixture, 'batch/out/orders.rejects.csv')).toBeUndefined();
    expect(JSON.parse((await read(fixture, 'batch/out/orders.summary.json')) ?? '{}')).not.toHaveProperty(
      'outputs.rejects',
    );
  });

  it('answers an input that is not CSV, TSV or JSONL with a summary that says so, and nothing else', async () => {
    const { store, service } = fixture;
    await store.put(
      'batch/in/photo.png',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    );
    const result = await runBatchForObject({ store, key: 'batch/in/photo.png', service });
    expect(result.status === 'done' && result.summary.error?.problem).toBe('not-text');
    expect(await store.list('batch/out/photo')).toEqual(['batch/out/photo.summary.json']);
    expect(JSON.parse((await read(fixture, 'batch/out/photo.summary.json')) ?? '{}')).toMatchObject({
      error: { problem: 'not-text', message: expect.stringMatching(/save it as CSV/) },
      outputs: { summary: 'batch/out/photo.summary.json' },
    });
  });

  it('commits nothing when the service fails half way, and lets the next delivery retry', async () => {
    const { store, service } = fixture;
    const key = 'batch/in/big.csv';
    const text = `description\n${Array.from({ length: 600 }, (_, i) => `steel bolt ${i}`).join('\n')}\n`;
    await store.put(key, text);
    let calls = 0;
    const failing = {
      predict: (request: PredictRequest) =>
        ++calls === 2 ? Promise.reject(new Error('model gone')) : service.predict(request),
    };
    await expect(runBatchForObject({ store, key, service: failing })).rejects.toThrow('model gone');
    expect(await store.list('batch/out/big')).toEqual([]);
    expect(readdirSync(join(fixture.home, 'batch', 'out')).filter((name) => name.includes('big'))).toEqual(
      [],
    );
    const retried = await runBatchForObject({ store, key, service });
    expect(retried.status === 'done' && retried.summary.rows.predicted).toBe(600);
  });

  it('reports the failed write itself when an output cannot be written, not a closed stream', async () => {
    const broken = await batchService();
    // batch/out is a file here, so no output can be created under it.
    writeFileSync(join(broken.home, 'batch-out-blocker'), '');
    mkdirSync(join(broken.home, 'batch'), { recursive: true });
    renameSync(join(broken.home, 'batch-out-blocker'), join(broken.home, 'batch', 'out'));
    // Far more output than the streams buffer: the batch must stop, not wait for a reader.
    await broken.store.put('batch/in/x.csv', `description\n${'green tea\n'.repeat(3000)}`);
    await expect(
      runBatchForObject({ store: broken.store, key: 'batch/in/x.csv', service: broken.service }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/) });
    await broken.service.close();
  });
});
