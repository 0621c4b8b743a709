import type { LiveRecord } from '../core/audit';
import type { FeedbackRecord } from '../core/feedback';
import { countsAsEvidence, holdReason } from '../core/feedback-review';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import type { ObjectStore } from '../store/object-store';
import { LocalAuditTrail } from './local-audit-trail';

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

/**
 * Feedback the receiving instance could not match to its prediction, matched with the audit trail
 * the jobs read anyway: a function instance remembers only its own recent predictions, and a
 * correction often reaches another instance than the one that answered.
 */
export function matchPredictions(
  feedback: readonly FeedbackRecord[],
  audit: readonly LiveRecord[],
): FeedbackRecord[] {
  const unmatched = new Set(feedback.filter((f) => !f.prediction).map((f) => f.predictionId));
  if (unmatched.size === 0) return [...feedback];
  const served = new Map<string, LiveRecord>();
  for (const record of audit) {
    if (!record.shadow && unmatched.has(record.predictionId)) served.set(record.predictionId, record);
  }
  return feedback.map((f) => {
    const record = f.prediction ? undefined : served.get(f.predictionId);
    if (!record) return f;
    const { variant, version, time, topK, needsReview } = record;
    const prediction = {
      variant,
      version,
      time,
      topK,
      ...(needsReview === undefined ? {} : { needsReview }),
    };
    // The hold rule applies on matching as it does on arrival (see feedback-review.ts).
    const held = f.review ? undefined : holdReason(prediction, f.hs6);
    return {
      ...f,
      prediction,
      ...(held ? { review: { status: 'held' as const, rule: held, heldAt: f.receivedAt } } : {}),
    };
  });
}

/** The local audit trail's newest `days` files, read once; see LocalAuditTrail for repeated reads. */
export function readLocalAudit(home: string, days = 7): Promise<LiveRecord[]> {
  return new LocalAuditTrail(home, days).read();
}

/** The 99th percentile (nearest rank), or null without values. */
export function p99(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] as number;
}

/**
 * Joins feedback with the predictions it refers to, per model (`variant/version`): each arm is
 * scored only on the traffic it actually answered. Shadow records count toward latency only.
 */
export function liveOutcomes(
  feedback: readonly FeedbackRecord[],
  audit: readonly LiveRecord[],
): Map<string, LiveOutcomes> {
  const byModel = new Map<string, LiveOutcomes>();
  const of = (ref: ModelRef) => {
    const key = modelRefKey(ref);
    let outcomes = byModel.get(key);
    if (!outcomes) byModel.set(key, (outcomes = empty()));
    return outcomes;
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
  const latencies = new Map<string, number[]>();
  for (const record of audit) {
    const key = modelRefKey(record);
    if (!record.shadow) of(record).served++;
    let list = latencies.get(key);
    if (!list) latencies.set(key, (list = []));
    list.push(record.latencyMs);
  }
  for (const [key, list] of latencies) {
    const outcomes = byModel.get(key);
    if (outcomes) outcomes.latencyP99Ms = p99(list);
  }
  return byModel;
}
