import type { FeedbackRecord } from '../core/feedback';
import { countsAsEvidence, holdReason } from '../core/feedback-review';
import { bareModelRef, modelRefKey, type ModelRef } from '../../models/model-ref';
import type { LiveRecord } from '../core/audit';
import type { AuditWindow } from '../monitoring/audit-window';
import type { ObjectStore } from '../store/object-store';

/** What live traffic says about one model: feedback-confirmed top-1 hits and served latency. */
export interface LiveOutcomes {
  /** Predictions of this model that received feedback, and how many had the true code first. */
  n: number;
  correct: number;
  /** The same per UTC day, for the dashboard's accuracy-over-time chart. */
  byDay: Record<string, { n: number; correct: number }>;
  /** Served predictions seen in the audit trail, and their model latency. */
  served: number;
  latencyP99Ms: number | null;
}

const empty = (): LiveOutcomes => ({ n: 0, correct: 0, byDay: {}, served: 0, latencyP99Ms: null });

/**
 * The feedback in the store (feedback/<day>/<prediction id>.json), one record per prediction: a
 * prediction corrected again on a later day counts once, with its newest correction.
 */
export async function readFeedback(store: ObjectStore, since?: string): Promise<FeedbackRecord[]> {
  const newest = new Map<string, FeedbackRecord>();
  for (const key of await store.list('feedback/')) {
    const object = await store.get(key);
    if (!object) continue;
    const record = JSON.parse(Buffer.from(object.body).toString('utf8')) as FeedbackRecord;
    const seen = newest.get(record.predictionId);
    if (!seen || record.receivedAt >= seen.receivedAt) newest.set(record.predictionId, record);
  }
  return [...newest.values()].filter((record) => !since || record.receivedAt >= since);
}

/** Prediction ids of feedback that arrived without its prediction: what the audit window must find. */
export const unmatchedIds = (feedback: readonly FeedbackRecord[]): string[] =>
  feedback.filter((f) => !f.prediction).map((f) => f.predictionId);

/**
 * Feedback the receiving instance could not match to its prediction, matched with the audit trail
 * the jobs read anyway: a function instance remembers only its own recent predictions, and a
 * correction often reaches another instance than the one that answered. The window must have
 * been asked for `unmatchedIds(feedback)`.
 */
export function matchPredictions(feedback: readonly FeedbackRecord[], audit: AuditWindow): FeedbackRecord[] {
  return feedback.map((f) => {
    const record = f.prediction ? undefined : audit.prediction(f.predictionId);
    return record ? withPrediction(f, record) : f;
  });
}

/**
 * Feedback joined with the served prediction it names. The hold rule applies on matching as it
 * does on arrival (see feedback-review.ts): a correction that now turns out suspicious is held.
 */
export function withPrediction(f: FeedbackRecord, record: LiveRecord): FeedbackRecord {
  const { variant, version, time, topK, needsReview } = record;
  const prediction = {
    variant,
    version,
    time,
    topK,
    ...(needsReview === undefined ? {} : { needsReview }),
  };
  const held = f.review ? undefined : holdReason(prediction, f.hs6);
  return {
    ...f,
    prediction,
    ...(held ? { review: { status: 'held' as const, rule: held, heldAt: f.receivedAt } } : {}),
  };
}

/**
 * Joins feedback with the predictions it refers to, per model (`variant/version`): each arm is
 * scored only on the traffic it actually answered. Shadow records count toward latency only.
 */
export async function liveOutcomes(
  feedback: readonly FeedbackRecord[],
  audit: AuditWindow,
): Promise<Map<string, LiveOutcomes>> {
  const byModel = new Map<string, { ref: ModelRef; outcomes: LiveOutcomes }>();
  const of = (ref: ModelRef) => {
    const key = modelRefKey(ref);
    let entry = byModel.get(key);
    if (!entry) byModel.set(key, (entry = { ref: bareModelRef(ref), outcomes: empty() }));
    return entry.outcomes;
  };
  for (const record of feedback) {
    if (!record.prediction || !countsAsEvidence(record)) continue;
    const outcomes = of(record.prediction);
    const hit = record.prediction.topK[0]?.hs6 === record.hs6 ? 1 : 0;
    const day = record.receivedAt.slice(0, 10);
    const daily = (outcomes.byDay[day] ??= { n: 0, correct: 0 });
    outcomes.n++;
    outcomes.correct += hit;
    daily.n++;
    daily.correct += hit;
  }
  // A model that only scored as a shadow has outcomes only if feedback named it.
  for (const ref of audit.servingModels()) of(ref);
  const result = new Map<string, LiveOutcomes>();
  for (const [key, { ref, outcomes }] of byModel) {
    outcomes.served = audit.served(ref);
    outcomes.latencyP99Ms = await audit.latencyP99(ref, { withShadows: true });
    result.set(key, outcomes);
  }
  return result;
}
