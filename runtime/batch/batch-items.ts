/** Why a row of a batch input was not predicted; each has a line in the rejects file. */
export const BATCH_REJECT_REASONS = {
  'blank-description': 'the description is empty or only spaces',
  'too-long': 'the description is longer than the service accepts',
  'wrong-column-count': 'the row has a different number of fields than the header',
  'malformed-record': 'the record could not be parsed (an unclosed quote, a record too large)',
  'malformed-json': 'the line is not valid JSON',
  'not-an-object': 'the line is JSON but not an object',
  'no-description': 'the object has no description field',
} as const;

export type BatchRejectReason = keyof typeof BATCH_REJECT_REASONS;

/** A row to predict, at the physical line where it starts (a CSV header is line 1). */
export interface BatchRow {
  kind: 'row';
  line: number;
  description: string;
  /** The caller's identifier, when the input has an id column. */
  id?: string;
  /** The record as it was in the input, for the rejects file (built only when needed). */
  raw(): string;
}

export interface BatchReject {
  kind: 'reject';
  line: number;
  reason: BatchRejectReason;
  raw: string;
}

export type BatchItem = BatchRow | BatchReject;

/** How much of a record the rejects file keeps. */
export const MAX_RAW_CHARS = 2000;

export const rejectItem = (line: number, reason: BatchRejectReason, raw: string): BatchReject => ({
  kind: 'reject',
  line,
  reason,
  raw: raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw,
});
