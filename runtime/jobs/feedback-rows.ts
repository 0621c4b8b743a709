import type { LabelledRow } from '../../training/dataset';
import type { FeedbackRecord } from '../core/feedback';
import type { ObjectStore } from '../store/object-store';

/**
 * Feedback that can teach: records whose prediction kept its description text (deployments
 * that record text). The rest still scores the A/B arms but cannot become training rows.
 */
export async function feedbackTrainingRows(
  store: ObjectStore,
): Promise<{ rows: LabelledRow[]; withoutText: number }> {
  const rows: LabelledRow[] = [];
  let withoutText = 0;
  for (const key of await store.list('feedback/')) {
    const object = await store.get(key);
    if (!object) continue;
    const record = JSON.parse(Buffer.from(object.body).toString('utf8')) as FeedbackRecord;
    const text = record.prediction?.text;
    if (text) rows.push({ text, hs6: record.hs6, source: 'feedback' });
    else withoutText++;
  }
  return { rows, withoutText };
}
