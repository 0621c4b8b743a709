import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { feedbackRecord, storeFeedback } from '../../tests/helpers/feedback-fixture';
import { LocalObjectStore } from '../store/local-store';
import { readFeedback } from './live-outcomes';

describe('readFeedback', () => {
  it('counts a prediction corrected on two days once, with its newest correction', async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-read-feedback-')));
    const first = { ...feedbackRecord('p1', '610910'), receivedAt: '2026-11-28T09:00:00.000Z' };
    const again = { ...feedbackRecord('p1', '610990'), receivedAt: '2026-11-30T09:00:00.000Z' };
    const other = { ...feedbackRecord('p2', '847130'), receivedAt: '2026-11-29T09:00:00.000Z' };
    await storeFeedback(store, [first, again, other]);

    const records = await readFeedback(store);
    expect(records.map((r) => [r.predictionId, r.hs6]).sort()).toEqual([
      ['p1', '610990'],
      ['p2', '847130'],
    ]);
    expect((await readFeedback(store, '2026-11-30')).map((r) => r.predictionId)).toEqual(['p1']);
  });
});
