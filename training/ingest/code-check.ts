import { toHs6 } from '../../models/hs/code';
import type { RejectReason } from './types';

export type CodeCheck = { hs6: string } | { reason: RejectReason; message: string };

/**
 * The HS6 of a code as written, or why it cannot be used. Nothing is guessed: a code that is
 * not an HS 2022 subheading is refused, and a 5-digit code is not padded, because a lost
 * leading zero and a mistyped digit look the same.
 */
export function checkCode(raw: string | undefined, isSubheading: (hs6: string) => boolean): CodeCheck {
  const hs6 = raw === undefined ? undefined : toHs6(raw);
  if (hs6 !== undefined) {
    if (isSubheading(hs6)) return { hs6 };
    return {
      reason: 'unknown-hs6',
      message: `${hs6} is not an HS 2022 subheading (an older edition's code, or a typo): correct the code`,
    };
  }
  const written = raw?.trim() ?? '';
  if (written === '') return { reason: 'missing-code', message: 'the row has no HS code' };
  const shown = JSON.stringify(written);
  const digits = written.replace(/[.\s-]/g, '');
  if (!/^\d+$/.test(digits)) {
    return {
      reason: 'malformed-code',
      message: `${shown} is not an HS code: write 6 to 10 digits, optionally grouped with dots, spaces or dashes (6109.10.00.12)`,
    };
  }
  if (digits.length === 5) {
    return {
      reason: 'leading-zero-lost',
      message:
        `${shown} has 5 digits: a spreadsheet most likely stored the code as a number and dropped its ` +
        'leading zero. Format the column as text (or quote the codes in the CSV) and export again',
    };
  }
  return {
    reason: 'malformed-code',
    message:
      digits.length < 6
        ? `${shown} has ${digits.length} digits: a chapter or heading is not enough, give the 6-digit subheading`
        : `${shown} has ${digits.length} digits: HS and national tariff codes have 6 to 10`,
  };
}
