import { createHash } from 'node:crypto';

export interface AuditCandidate {
  hs6: string;
  probability: number;
}

/** One line of the audit trail: which model said what about which input, and how fast. */
export interface AuditRecord {
  predictionId: string;
  /** ISO 8601, UTC; the record's day decides its daily file. */
  time: string;
  variant: string;
  version: string;
  modelSha256: string;
  /** sha256 of the description as received: joins records without storing the text. */
  inputSha256: string;
  /** The description itself, only when the deployment opts in. */
  text?: string;
  topK: AuditCandidate[];
  /** Model time of the call that produced it (shared by every description of a batch). */
  latencyMs: number;
  /** Scored by a shadow model: never returned to the caller. */
  shadow?: boolean;
  /**
   * The model the request was routed to but that could not answer (it failed to load, or was
   * refused as unapproved), so this model answered instead: an error of that arm, for the
   * promote job's error guardrail.
   */
  fallbackFrom?: { variant: string; version: string };
  needsReview?: boolean;
  /** Words of the description and how many were outside the vocabulary (drift monitoring). */
  words?: number;
  unknownWords?: number;
}

/**
 * What the jobs and the dashboard read of an audit record: no hashes, no text, only the top
 * candidate. The local audit trail keeps a week of these in memory, so every field counts.
 */
export type LiveRecord = Pick<
  AuditRecord,
  | 'predictionId'
  | 'time'
  | 'variant'
  | 'version'
  | 'latencyMs'
  | 'shadow'
  | 'fallbackFrom'
  | 'needsReview'
  | 'words'
  | 'unknownWords'
> & { topK: AuditCandidate[] };

/** The LiveRecord of an audit record, sharing nothing with it. */
export function liveRecordOf(record: AuditRecord): LiveRecord {
  const {
    predictionId,
    time,
    variant,
    version,
    latencyMs,
    shadow,
    fallbackFrom,
    needsReview,
    words,
    unknownWords,
  } = record;
  const top = record.topK[0];
  return {
    predictionId,
    time,
    variant,
    version,
    latencyMs,
    topK: top ? [{ hs6: top.hs6, probability: top.probability }] : [],
    ...(shadow !== undefined ? { shadow } : {}),
    ...(fallbackFrom !== undefined
      ? { fallbackFrom: { variant: fallbackFrom.variant, version: fallbackFrom.version } }
      : {}),
    ...(needsReview !== undefined ? { needsReview } : {}),
    ...(words !== undefined ? { words } : {}),
    ...(unknownWords !== undefined ? { unknownWords } : {}),
  };
}

/**
 * Where audit records go: a daily JSON-lines file locally, a log stream in the clouds. `write`
 * never blocks the request; `flush` makes everything written so far durable; `close` flushes and
 * refuses further writes.
 */
export interface AuditSink {
  write(record: AuditRecord): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Finds what was predicted under an id (feedback attaches the model to the true code). */
export interface PredictionLookup {
  findPrediction(predictionId: string): Promise<AuditRecord | undefined>;
}

export const inputSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The UTC day of an ISO time, "YYYY-MM-DD": the unit of audit and feedback partitioning. */
export function utcDay(time: string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new Error(`not a time: ${JSON.stringify(time)}`);
  return date.toISOString().slice(0, 10);
}
