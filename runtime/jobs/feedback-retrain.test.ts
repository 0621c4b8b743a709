import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { feedbackRecord, storeFeedback } from '../../tests/helpers/feedback-fixture';
import type { FeedbackRecord } from '../core/feedback';
import { LocalObjectStore } from '../store/local-store';
import { queueFeedbackRetrain } from './feedback-retrain';

async function storeWith(records: FeedbackRecord[]): Promise<LocalObjectStore> {
  const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-feedback-retrain-')));
  await storeFeedback(store, records);
  return store;
}

describe('queueFeedbackRetrain', () => {
  it('queues nothing while no feedback kept its description', async () => {
    expect(await queueFeedbackRetrain(await storeWith([feedbackRecord('p1', '610910')]))).toBeUndefined();
  });

  it('writes the teachable feedback as a labelled CSV named by its content, once', async () => {
    const store = await storeWith([
      feedbackRecord('p1', '610910', 'cotton t-shirt, "crew" neck'),
      feedbackRecord('p2', '620342'),
      feedbackRecord('p3', '847130', 'laptop 14 inch'),
      // Feedback from nobody never teaches, text or not; nor does a correction held for review.
      feedbackRecord('p5', '930320', 'frozen shrimp 500g bag', null),
      {
        ...feedbackRecord('p6', '930320', 'frozen shrimp 1kg bag'),
        review: { status: 'held', rule: 'confident in 030617, corrected to chapter 93', heldAt: 't' },
      },
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

    await storeFeedback(store, [feedbackRecord('p4', '950300', 'toy car')]);
    const next = await queueFeedbackRetrain(store);
    expect(next).toMatchObject({ queued: true, rows: 3 });
    expect(next!.key).not.toBe(first!.key);
  });
});
