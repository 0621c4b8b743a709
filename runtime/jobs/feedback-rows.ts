import type { LabelledRow } from '../../training/dataset';
import type { ObjectStore } from '../store/object-store';
import { readFeedback } from './live-outcomes';

/**
 * Feedback that can teach: records whose prediction kept its description text (deployments
 * that record text). The rest still scores the A/B arms but cannot become training rows.
 */
export async function feedbackTrainingRows(
  store: ObjectStore,
): Promise<{ rows: LabelledRow[]; withoutText: number }> {
  const rows: LabelledRow[] = [];
  let withoutText = 0;
  for (const record of await readFeedback(store)) {
    const text = record.prediction?.text;
    if (text) rows.push({ text, hs6: record.hs6, source: 'feedback' });
    else withoutText++;
  }
  return { rows, withoutText };
}
