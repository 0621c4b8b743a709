import { basename } from 'node:path';
import { loadNomenclature } from '../../models/hs/nomenclature';
import type { LabelledRow } from '../dataset';
import { checkCode } from './code-check';
import { LabelIndex } from './label-index';
import { characterCount, cleanText, hasReplacementCharacter } from './text';
import type { LabelConflict, RawRecord, RejectReason, Rejection } from './types';

export const DEFAULT_MAX_TEXT_LENGTH = 1000;

export interface RowValidatorOptions {
  /** Longest description accepted, in characters (default 1000). */
  maxTextLength?: number;
  /** Labels seen before (another batch, the default corpus); accepted rows are added to it. */
  index?: LabelIndex;
  /** Defaults to the HS 2022 nomenclature. */
  isSubheading?: (hs6: string) => boolean;
}

export type RowVerdict =
  { accepted: true; row: LabelledRow } | { accepted: false; rejection: Rejection; conflict?: LabelConflict };

/**
 * Decides, row by row, what enters training: a readable record, a clean non-empty description
 * of sane length, a code that is an HS 2022 subheading, and a text not labelled before (the
 * first occurrence wins; a later one with another code is a conflict for a person to settle).
 */
export class RowValidator {
  readonly index: LabelIndex;
  readonly maxTextLength: number;
  private readonly isSubheading: (hs6: string) => boolean;
  private lastSource: { file: string; name: string } | undefined;

  constructor(options: RowValidatorOptions = {}) {
    this.maxTextLength = options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH;
    if (!Number.isInteger(this.maxTextLength) || this.maxTextLength < 1) {
      throw new Error(`maxTextLength must be a whole number ≥ 1, got ${options.maxTextLength}`);
    }
    this.index = options.index ?? new LabelIndex();
    this.isSubheading = options.isSubheading ?? loadNomenclature().isSubheading;
  }

  check(record: RawRecord): RowVerdict {
    const reject = (reason: RejectReason, message: string): RowVerdict => ({
      accepted: false,
      rejection: rejectionOf(record, reason, message),
    });
    if (record.problem !== undefined) return reject('malformed-record', record.problem);
    if (hasReplacementCharacter(record.text) || hasReplacementCharacter(record.code)) {
      return reject(
        'invalid-utf8',
        'the description or code holds bytes that are not UTF-8 (shown as U+FFFD): save the file as UTF-8',
      );
    }

    const text = cleanText(record.text ?? '');
    if (text === '') return reject('empty-text', 'the description is empty');
    const length = characterCount(text, this.maxTextLength);
    if (length > this.maxTextLength) {
      return reject(
        'too-long',
        `the description has ${length} characters, over the limit of ${this.maxTextLength}: ` +
          'shorten it to the goods themselves, or raise the limit (--max-length)',
      );
    }

    const code = checkCode(record.code, this.isSubheading);
    if (!('hs6' in code)) return reject(code.reason, code.message);

    const seen = this.index.add(text, code.hs6, { source: record.file, line: record.line });
    if (seen.status === 'new')
      return { accepted: true, row: { text, hs6: code.hs6, source: this.sourceOf(record.file) } };
    const where = `line ${seen.first.line} of ${seen.first.source}`;
    if (seen.status === 'duplicate') {
      return reject(
        'duplicate',
        `the same description with the same code (${code.hs6}) is already on ${where}`,
      );
    }
    return {
      accepted: false,
      rejection: rejectionOf(
        record,
        'conflicting-label',
        `the same description is labelled ${seen.first.hs6} on ${where} but ${code.hs6} here: ` +
          'decide which is right and fix the other',
      ),
      conflict: { text, first: seen.first, other: { source: record.file, line: record.line, hs6: code.hs6 } },
    };
  }

  /** Rows carry the file's name only: paths are machine-specific and would leak into artifacts. */
  private sourceOf(file: string): string {
    if (this.lastSource?.file !== file) this.lastSource = { file, name: basename(file) };
    return this.lastSource.name;
  }
}

function rejectionOf(record: RawRecord, reason: RejectReason, message: string): Rejection {
  return { file: record.file, line: record.line, reason, message, raw: record.fields };
}
