import { hs2Of } from '../../models/hs/code';
import type { AuditCandidate } from './audit';

/** A correction an analyst must look at before it teaches or scores anything. */
export interface Review {
  status: 'held' | 'released' | 'rejected';
  /** Why it was held, in words. */
  rule: string;
  heldAt: string;
  /** Who released or rejected it (an analyst's key id), when, and why. */
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
}

/**
 * The hold rule: a correction is held for review when the model was confident (its top-1
 * probability reached the model's abstain threshold, i.e. it did not ask for review), the
 * corrected code is none of the candidates it offered, and it lies in another chapter than its
 * top-1. A confident model is right most of the time; a correction that jumps chapter past every
 * candidate it gave is either a rare real error or a poisoning attempt ("frozen shrimp" → firearms),
 * and one analyst's word should not decide which before it trains a model.
 */
export function holdReason(
  prediction: { topK: readonly AuditCandidate[]; needsReview?: boolean },
  hs6: string,
): string | undefined {
  const top = prediction.topK[0];
  if (!top || prediction.needsReview !== false) return undefined;
  if (prediction.topK.some((c) => c.hs6 === hs6)) return undefined;
  if (hs2Of(top.hs6) === hs2Of(hs6)) return undefined;
  return (
    `the model was confident in ${top.hs6} (chapter ${hs2Of(top.hs6)}, probability ${top.probability.toFixed(2)}, not flagged for review) ` +
    `and ${hs6} is in chapter ${hs2Of(hs6)}, outside the ${prediction.topK.length} candidate(s) it offered`
  );
}

/** Whether a feedback record may score the A/B arms and train: not held, not rejected by an analyst. */
export const countsAsEvidence = (record: { review?: Review }): boolean =>
  !record.review || record.review.status === 'released';
