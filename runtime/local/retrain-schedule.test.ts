import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKeys } from '../../models/store-layout';
import { feedbackRecord, storeFeedback } from '../../tests/helpers/feedback-fixture';
import { LocalObjectStore } from '../store/local-store';
import { scheduleFeedbackRetraining } from './retrain-schedule';

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
      await storeFeedback(store, [feedbackRecord('p1', '610910', 'cotton t-shirt')]);
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
