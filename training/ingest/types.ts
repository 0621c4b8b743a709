import type { DataFileFormat } from '../../models/data-files/layout';

/** The layouts `hscode` reads labelled data from. */
export type LabelledFileFormat = DataFileFormat;

/** One record as read from a file, before any validation. */
export interface RawRecord {
  /** The path as the caller gave it, so reports and rejects name files the way the user does. */
  file: string;
  /** Physical line where the record starts (CSV/TSV header = line 1; JSONL: the object's line). */
  line: number;
  /** Every field of the record as found, for the rejects file. */
  fields: Readonly<Record<string, unknown>>;
  /** Value of the description column, undefined when the record has no such field. */
  text: string | undefined;
  /** Value of the code column as text (JSON numbers included), undefined when absent. */
  code: string | undefined;
  /** Set when the record could not be parsed at all (broken JSON, an unclosed quote). */
  problem?: string;
}

/** Why a row was not accepted; each has a line in the summary and in the rejects file. */
export const REJECT_REASONS = [
  'malformed-record',
  'invalid-utf8',
  'empty-text',
  'too-long',
  'missing-code',
  'leading-zero-lost',
  'malformed-code',
  'unknown-hs6',
  'duplicate',
  'conflicting-label',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** One line of the rejects file. */
export interface Rejection {
  file: string;
  line: number;
  reason: RejectReason;
  message: string;
  raw: Readonly<Record<string, unknown>>;
}

/** Where a label was first seen: a file and line, or a named corpus and its row number. */
export interface LabelOrigin {
  source: string;
  line: number;
}

/** Two rows with the same text and different codes; the first is kept, the other rejected. */
export interface LabelConflict {
  text: string;
  first: LabelOrigin & { hs6: string };
  other: LabelOrigin & { hs6: string };
}
