import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { feedbackRecord, storeFeedback } from '../../tests/helpers/feedback-fixture';
import { LocalObjectStore } from '../store/local-store';
import { auditWindowOf } from '../../tests/helpers/audit-window-of';
import { matchPredictions, readFeedback } from './live-outcomes';

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

describe('matchPredictions', () => {
  const served = (predictionId: string, shadow = false) => ({
    predictionId,
    time: '2026-11-30T08:00:00.000Z',
    variant: shadow ? 'dnn' : 'textcnn',
    version: shadow ? 'dnn-bbbbbbbbbbbb' : 'textcnn-aaaaaaaaaaaa',
    latencyMs: 1,
    topK: [{ hs6: '610910', probability: 0.8 }],
    ...(shadow ? { shadow: true } : {}),
  });

  it('matches feedback another instance took with the served prediction in the audit trail', () => {
    const unknown = { ...feedbackRecord('p1', '610910'), prediction: null };
    const known = feedbackRecord('p2', '847130');
    const [matched, kept] = matchPredictions(
      [unknown, known],
      auditWindowOf([served('p1', true), served('p1')], { predictionIds: ['p1'] }),
    );
    expect(matched?.prediction).toEqual({
      variant: 'textcnn',
      version: 'textcnn-aaaaaaaaaaaa',
      time: '2026-11-30T08:00:00.000Z',
      topK: [{ hs6: '610910', probability: 0.8 }],
    });
    expect(kept).toEqual(known);
  });

  it('leaves feedback about a prediction nobody served unmatched', () => {
    const unknown = { ...feedbackRecord('p9', '610910'), prediction: null };
    expect(
      matchPredictions(
        [unknown],
        auditWindowOf([served('p1'), served('p9', true)], { predictionIds: ['p9'] }),
      )[0]?.prediction,
    ).toBeNull();
  });
});
