import { hs2Of, hs4Of, toHs6 } from '../../models/hs/code';
import { loadNomenclature, type Nomenclature } from '../../models/hs/nomenclature';
import type { ObjectStore } from '../store/object-store';
import { utcDay, type AuditCandidate, type PredictionLookup } from './audit';
import { NotFoundError, RequestValidationError } from './errors';
import { holdReason, type Review } from './feedback-review';

/** Who gave a piece of feedback (see runtime/http/caller.ts): never the key itself. */
export interface FeedbackGiver {
  id: string;
  via: 'api-key' | 'cloud-identity';
}

export interface FeedbackInput {
  predictionId: string;
  /** The true code as people write it: "6109.10", "610910", "6109.10.00.12". */
  hs6: string;
  note?: string;
}

/** A labelled example for retraining and for scoring the A/B arms on live traffic. */
export interface FeedbackRecord {
  schemaVersion: 1;
  predictionId: string;
  hs6: string;
  hs4: string;
  hs2: string;
  /** The code exactly as submitted. */
  submittedCode: string;
  /** Who gave it; absent only in records written before feedback needed a credential. */
  givenBy?: FeedbackGiver;
  /** Set when the correction is held for an analyst's review (see feedback-review.ts). */
  review?: Review;
  note?: string;
  receivedAt: string;
  /** What was predicted, when the prediction is still known (recent memory or the audit trail). */
  prediction: {
    variant: string;
    version: string;
    /** Absent when the jobs matched the prediction from the audit trail (see matchPredictions). */
    modelSha256?: string;
    time: string;
    topK: AuditCandidate[];
    /** Only when the deployment records description texts. */
    text?: string;
    /** Whether the model flagged it for review (top-1 below its abstain threshold). */
    needsReview?: boolean;
  } | null;
}

export const MAX_NOTE_LENGTH = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class FeedbackValidationError extends RequestValidationError {
  constructor(code: string, message: string, field: string) {
    super(code, message, field);
    this.name = 'FeedbackValidationError';
  }
}

export const feedbackKey = (day: string, predictionId: string): string =>
  `feedback/${day}/${predictionId}.json`;

const dotted = (hs6: string) => `${hs6.slice(0, 4)}.${hs6.slice(4)}`;

/** Why a six-digit code is not an HS 2022 subheading, in words that point to the right one. */
function unknownSubheadingMessage(hs6: string, hs: Nomenclature): string {
  const { chapter, heading } = hs.hierarchy(hs6);
  if (!chapter) return `${dotted(hs6)} is not in HS 2022: there is no chapter ${hs2Of(hs6)}`;
  if (!heading) {
    return `${dotted(hs6)} is not in HS 2022: chapter ${chapter.code} (${chapter.description}) has no heading ${hs4Of(hs6)}`;
  }
  const siblings = [...hs.subheadings.keys()].filter((code) => code.startsWith(heading.code)).map(dotted);
  const shown = siblings.length > 12 ? `${siblings.slice(0, 12).join(', ')}, …` : siblings.join(', ');
  return `${dotted(hs6)} is not an HS 2022 subheading; heading ${heading.code} (${heading.description}) has ${shown}`;
}

/** Checks a feedback request; throws FeedbackValidationError naming the field and the fix. */
export function validateFeedback(
  input: FeedbackInput,
  hs: Nomenclature = loadNomenclature(),
): { predictionId: string; hs6: string; note?: string } {
  const predictionId = typeof input.predictionId === 'string' ? input.predictionId.trim().toLowerCase() : '';
  if (!UUID.test(predictionId)) {
    throw new FeedbackValidationError(
      'invalid_prediction_id',
      `predictionId must be the id a prediction returned (a UUID), got ${JSON.stringify(input.predictionId)}`,
      'predictionId',
    );
  }
  const hs6 = typeof input.hs6 === 'string' ? toHs6(input.hs6) : undefined;
  if (hs6 === undefined) {
    throw new FeedbackValidationError(
      'invalid_code',
      `hs6 must be an HS code of 6 to 10 digits (dots and spaces allowed, e.g. "6109.10"), got ${JSON.stringify(input.hs6)}`,
      'hs6',
    );
  }
  if (!hs.isSubheading(hs6))
    throw new FeedbackValidationError('unknown_subheading', unknownSubheadingMessage(hs6, hs), 'hs6');
  if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > MAX_NOTE_LENGTH)) {
    throw new FeedbackValidationError(
      'invalid_note',
      `note must be text of at most ${MAX_NOTE_LENGTH} characters`,
      'note',
    );
  }
  const note = input.note?.trim();
  return note ? { predictionId, hs6, note } : { predictionId, hs6 };
}

export interface FeedbackServiceOptions {
  store: ObjectStore;
  /** Where to find what was predicted. */
  lookup?: PredictionLookup;
  /**
   * Feedback for a prediction id the lookup does not know: `reject` (404), where the lookup sees
   * every prediction this store's service made (the embedded server's audit index); `park`,
   * where another instance may have answered it (the clouds): stored with no prediction, so it
   * neither scores nor trains until the jobs match it with the audit trail.
   */
  unknownPrediction?: 'reject' | 'park';
  now?: () => Date;
}

/**
 * Stores the true code for a prediction as `feedback/YYYY-MM-DD/<predictionId>.json` (the UTC day
 * it arrived), with the model that made the prediction when it is known. A second correction of
 * the same prediction on the same day replaces the first; across days, the newest day wins.
 */
export class FeedbackService {
  constructor(private readonly options: FeedbackServiceOptions) {}

  async submit(
    input: FeedbackInput,
    givenBy?: FeedbackGiver,
  ): Promise<{ key: string; record: FeedbackRecord }> {
    const valid = validateFeedback(input);
    const receivedAt = (this.options.now?.() ?? new Date()).toISOString();
    const found = await this.options.lookup?.findPrediction(valid.predictionId);
    if (!found && (this.options.unknownPrediction ?? 'reject') === 'reject') {
      throw new NotFoundError(
        'unknown_prediction',
        `no prediction ${valid.predictionId} was made here: send feedback with the predictionId a /v1/predict answer returned`,
        'predictionId',
      );
    }
    const held = found ? holdReason(found, valid.hs6) : undefined;
    const record: FeedbackRecord = {
      schemaVersion: 1,
      predictionId: valid.predictionId,
      hs6: valid.hs6,
      hs4: hs4Of(valid.hs6),
      hs2: hs2Of(valid.hs6),
      submittedCode: input.hs6,
      ...(givenBy ? { givenBy: { id: givenBy.id, via: givenBy.via } } : {}),
      ...(held ? { review: { status: 'held' as const, rule: held, heldAt: receivedAt } } : {}),
      ...(valid.note === undefined ? {} : { note: valid.note }),
      receivedAt,
      prediction: found
        ? {
            variant: found.variant,
            version: found.version,
            modelSha256: found.modelSha256,
            time: found.time,
            topK: found.topK,
            ...(found.text === undefined ? {} : { text: found.text }),
            ...(found.needsReview === undefined ? {} : { needsReview: found.needsReview }),
          }
        : null,
    };
    const key = feedbackKey(utcDay(receivedAt), valid.predictionId);
    await this.options.store.put(key, `${JSON.stringify(record, null, 2)}\n`);
    return { key, record };
  }
}
