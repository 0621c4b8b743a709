import { feedbackKey, type FeedbackGiver, type FeedbackRecord } from '../../runtime/core/feedback';
import type { ObjectStore } from '../../runtime/store/object-store';

/** The analyst the fixture's records name as their giver unless told otherwise. */
export const FIXTURE_ANALYST: FeedbackGiver = { id: 'key:0a1b2c3d', via: 'api-key' };

/**
 * A stored feedback record as the feedback service writes it: `hs6` is the true code; `text` the
 * description, kept only by deployments that record texts (what makes feedback teachable);
 * `givenBy` null for one written before feedback needed a credential.
 */
export function feedbackRecord(
  predictionId: string,
  hs6: string,
  text?: string,
  givenBy: FeedbackGiver | null = FIXTURE_ANALYST,
): FeedbackRecord {
  return {
    schemaVersion: 1,
    predictionId,
    hs6,
    hs4: hs6.slice(0, 4),
    hs2: hs6.slice(0, 2),
    submittedCode: hs6,
    ...(givenBy ? { givenBy } : {}),
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

/** Stores feedback records where the feedback service would. */
export async function storeFeedback(store: ObjectStore, records: readonly FeedbackRecord[]): Promise<void> {
  for (const record of records) {
    await store.put(feedbackKey(record.receivedAt.slice(0, 10), record.predictionId), JSON.stringify(record));
  }
}
