import { createHash } from 'node:crypto';
import { storeKeys } from '../../models/store-layout';
import { PreconditionFailedError, type ObjectStore } from '../store/object-store';
import { feedbackTrainingRows } from './feedback-rows';

export interface QueuedFeedback {
  /** The labelled CSV under data/incoming/, named by its content. */
  key: string;
  /** False when the same feedback was queued before: the retrain job has it already. */
  queued: boolean;
  rows: number;
}

const csvField = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * The feedback that can teach, as a labelled CSV under data/incoming/ for the retrain job; nothing
 * when there is none. Named by content and never rewritten, so the same feedback neither trains
 * twice nor wakes the incoming-folder watcher again.
 */
export async function queueFeedbackRetrain(store: ObjectStore): Promise<QueuedFeedback | undefined> {
  const { rows } = await feedbackTrainingRows(store);
  if (rows.length === 0) return undefined;
  const csv = ['description,hs_code', ...rows.map((r) => `${csvField(r.text)},${r.hs6}`)].join('\n') + '\n';
  const key = `${storeKeys.incomingData}feedback-${createHash('sha256').update(csv).digest('hex').slice(0, 12)}.csv`;
  try {
    await store.put(key, csv, { ifVersion: null });
    return { key, queued: true, rows: rows.length };
  } catch (err) {
    if (err instanceof PreconditionFailedError) return { key, queued: false, rows: rows.length };
    throw err;
  }
}
