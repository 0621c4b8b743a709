import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { feedbackKey, type FeedbackRecord } from '../core/feedback';
import { LocalObjectStore } from '../store/local-store';
import { queueFeedbackRetrain } from './feedback-retrain';

function feedback(predictionId: string, hs6: string, text?: string): FeedbackRecord {
  return {
    schemaVersion: 1,
    predictionId,
    hs6,
    hs4: hs6.slice(0, 4),
    hs2: hs6.slice(0, 2),
    submittedCode: hs6,
    receivedAt: '2026-11-30T09:00:00.000Z',
    prediction: {
      variant: 'textcnn',
      version: 'textcnn-000000000001',
      modelSha256: 'a'.repeat(64),
      time: '2026-11-30T08:59:00.000Z',
      topK: [{ hs6: '610990', probability: 0.6 }],
      ...(text ? { text } : {}),
    },
  };
}

async function storeWith(records: FeedbackRecord[]): Promise<LocalObjectStore> {
  const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-feedback-retrain-')));
  for (const r of records) await store.put(feedbackKey('2026-11-30', r.predictionId), JSON.stringify(r));
  return store;
}

describe('queueFeedbackRetrain', () => {
  it('queues nothing while no feedback kept its description', async () => {
    expect(await queueFeedbackRetrain(await storeWith([feedback('p1', '610910')]))).toBeUndefined();
  });

  it('writes the teachable feedback as a labelled CSV named by its content, once', async () => {
    const store = await storeWith([
      feedback('p1', '610910', 'cotton t-shirt, "crew" neck'),
      feedback('p2', '620342'),
      feedback('p3', '847130', 'laptop 14 inch'),
    ]);
    const first = await queueFeedbackRetrain(store);
    expect(first).toMatchObject({
      queued: true,
      rows: 2,
      key: expect.stringMatching(/^data\/incoming\/feedback-[0-9a-f]{12}\.csv$/),
    });
    const csv = Buffer.from((await store.get(first!.key))!.body).toString('utf8');
    expect(csv).toBe(
      'description,hs_code\n"cotton t-shirt, ""crew"" neck",610910\n"laptop 14 inch",847130\n',
    );

    const written = statSync(join(store.root, first!.key)).mtimeMs;
    expect(await queueFeedbackRetrain(store)).toEqual({ ...first, queued: false });
    expect(statSync(join(store.root, first!.key)).mtimeMs).toBe(written);

    await store.put(feedbackKey('2026-11-30', 'p4'), JSON.stringify(feedback('p4', '950300', 'toy car')));
    const next = await queueFeedbackRetrain(store);
    expect(next).toMatchObject({ queued: true, rows: 3 });
    expect(next!.key).not.toBe(first!.key);
  });
});
