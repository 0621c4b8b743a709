import type { LabelledRow } from '../../training/dataset';
import type { ObjectStore } from '../store/object-store';
import { countsAsEvidence } from '../core/feedback-review';
import { readFeedback } from './live-outcomes';

/**
 * Feedback that can teach: records whose prediction kept its description text (deployments
 * that record text), that a known giver sent and that are not held for review (or were released
 * by an analyst). The rest still scores the A/B arms (held ones do not) but cannot become training
 * rows; parked feedback has no prediction, so no text, until the jobs match it, and even then
 * the audit trail gives no text: it never trains.
 */
export async function feedbackTrainingRows(
  store: ObjectStore,
): Promise<{ rows: LabelledRow[]; withoutText: number }> {
  const rows: LabelledRow[] = [];
  let withoutText = 0;
  for (const record of await readFeedback(store)) {
    const text = record.prediction?.text;
    if (text && record.givenBy && countsAsEvidence(record))
      rows.push({ text, hs6: record.hs6, source: 'feedback' });
    else withoutText++;
  }
  return { rows, withoutText };
}
