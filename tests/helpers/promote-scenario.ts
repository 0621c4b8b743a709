import { randomUUID } from 'node:crypto';
import type { LiveRecord } from '../../runtime/core/audit';
import { feedbackKey, type FeedbackRecord } from '../../runtime/core/feedback';
import type { ModelRef } from '../../models/model-ref';
import type { ObjectStore } from '../../runtime/store/object-store';

/** One arm of an experiment as the promote job sees it: served requests and feedback on them. */
export interface ArmTraffic {
  /** Requests it answered. */
  requests: number;
  /** Requests routed to it that the champion answered instead (its errors). */
  failures?: number;
  latencyMs: number;
  /** Feedback events, and how many confirmed the top code. */
  feedback: number;
  correct: number;
}

const TIME = '2030-01-01T00:00:00.000Z';

/**
 * Audit records and feedback for a champion and one challenger, all after the challenger was
 * added (the history's times are earlier): the feedback is stored, the audit records returned.
 */
export async function writeTraffic(
  store: ObjectStore,
  arms: { champion: ModelRef & { traffic: ArmTraffic }; challenger: ModelRef & { traffic: ArmTraffic } },
): Promise<LiveRecord[]> {
  const audit: LiveRecord[] = [];
  for (const arm of [arms.champion, arms.challenger]) {
    const ref = { variant: arm.variant, version: arm.version };
    const { requests, failures = 0, latencyMs, feedback, correct } = arm.traffic;
    for (let i = 0; i < requests + failures; i++) {
      const failed = i >= requests;
      const answered = failed ? { variant: arms.champion.variant, version: arms.champion.version } : ref;
      const record: LiveRecord = {
        predictionId: randomUUID(),
        time: TIME,
        ...answered,
        latencyMs,
        topK: [{ hs6: '610910', probability: 0.9 }],
        ...(failed ? { fallbackFrom: ref } : {}),
      };
      audit.push(record);
      if (failed || i >= feedback) continue;
      const rated: FeedbackRecord = {
        schemaVersion: 1,
        predictionId: record.predictionId,
        hs6: i < correct ? '610910' : '610990',
        hs4: '6109',
        hs2: '61',
        submittedCode: '6109.10',
        receivedAt: TIME,
        prediction: { ...ref, time: TIME, topK: record.topK },
      };
      await store.put(feedbackKey('2030-01-01', rated.predictionId), JSON.stringify(rated));
    }
  }
  return audit;
}
