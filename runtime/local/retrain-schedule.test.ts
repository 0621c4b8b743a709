import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKeys } from '../../models/store-layout';
import { feedbackKey, type FeedbackRecord } from '../core/feedback';
import { LocalObjectStore } from '../store/local-store';
import { scheduleFeedbackRetraining } from './retrain-schedule';

const teachable = (predictionId: string, text: string): FeedbackRecord => ({
  schemaVersion: 1,
  predictionId,
  hs6: '610910',
  hs4: '6109',
  hs2: '61',
  submittedCode: '6109.10',
  receivedAt: '2026-11-30T09:00:00.000Z',
  prediction: {
    variant: 'textcnn',
    version: 'textcnn-000000000001',
    modelSha256: 'a'.repeat(64),
    time: '2026-11-30T08:59:00.000Z',
    topK: [{ hs6: '610990', probability: 0.6 }],
    text,
  },
});

async function until<T>(check: () => Promise<T | undefined>, deadlineMs = 10_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('scheduleFeedbackRetraining', () => {
  it('queues new feedback for the retrain job on its interval, and the same feedback once', async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-retrain-schedule-')));
    const lines: string[] = [];
    const schedule = scheduleFeedbackRetraining({ store, everyMs: 20, log: (l) => lines.push(l) });
    try {
      await store.put(feedbackKey('2026-11-30', 'p1'), JSON.stringify(teachable('p1', 'cotton t-shirt')));
      const [first] = await until(async () => {
        const keys = await store.list(storeKeys.incomingData);
        return keys.length > 0 ? keys : undefined;
      });
      expect(first).toMatch(/^data\/incoming\/feedback-[0-9a-f]{12}\.csv$/);
      // More runs with nothing new: still one file, announced once.
      expect(await schedule.runNow()).toMatchObject({ key: first, queued: false });
      expect(await schedule.runNow()).toMatchObject({ key: first, queued: false });
      expect(await store.list(storeKeys.incomingData)).toEqual([first]);
      expect(lines).toEqual([`scheduled retraining: queued ${first} (1 feedback row)`]);
    } finally {
      schedule.stop();
    }
  });
});
