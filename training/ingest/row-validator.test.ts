import { LabelIndex } from './label-index';
import { RowValidator, type RowVerdict } from './row-validator';
import type { RawRecord, RejectReason } from './types';

let line = 1;
const record = (
  text: string | undefined,
  code: string | undefined,
  extra: Partial<RawRecord> = {},
): RawRecord => ({
  file: 'in.csv',
  line: ++line,
  fields: { description: text, hs_code: code },
  text,
  code,
  ...extra,
});

const reasonOf = (verdict: RowVerdict): RejectReason | 'accepted' =>
  verdict.accepted ? 'accepted' : verdict.rejection.reason;

describe('RowValidator', () => {
  it('normalises codes written with dots, spaces or dashes to their HS6', () => {
    const validator = new RowValidator();
    const accepted = ['6109.10.00.12', '6109 10', '6109-10-0000', ' 610910 '].map((code, i) =>
      validator.check(record(`t-shirt ${i}`, code)),
    );
    expect(accepted.map((v) => (v.accepted ? v.row.hs6 : v.rejection.reason))).toEqual([
      '610910',
      '610910',
      '610910',
      '610910',
    ]);
  });

  it.each([
    ['10121', 'leading-zero-lost', /leading zero.*text/],
    ['6109', 'malformed-code', /4 digits.*6-digit subheading/],
    ['61091000001', 'malformed-code', /11 digits/],
    ['6109.10 cotton', 'malformed-code', /not an HS code/],
    ['n/a', 'malformed-code', /not an HS code/],
    ['851712', 'unknown-hs6', /851712 is not an HS 2022 subheading/],
    ['999999', 'unknown-hs6', /not an HS 2022 subheading/],
    ['', 'missing-code', /no HS code/],
    [undefined, 'missing-code', /no HS code/],
  ])('rejects the code %p as %s', (code, reason, message) => {
    const verdict = new RowValidator().check(record('some goods', code));
    expect(reasonOf(verdict)).toBe(reason);
    if (!verdict.accepted) expect(verdict.rejection.message).toMatch(message);
  });

  it('does not pad a 5-digit code into a valid one', () => {
    // 010121 exists; its 5-digit spreadsheet form must still be refused.
    expect(reasonOf(new RowValidator().check(record('pure-bred horse', '10121')))).toBe('leading-zero-lost');
  });

  it('rejects empty and over-long descriptions, counting characters rather than UTF-16 units', () => {
    const validator = new RowValidator({ maxTextLength: 10 });
    expect(reasonOf(validator.check(record('   ', '871200')))).toBe('empty-text');
    expect(reasonOf(validator.check(record(undefined, '871200')))).toBe('empty-text');
    expect(reasonOf(validator.check(record('bicycle red', '871200')))).toBe('too-long');
    expect(reasonOf(validator.check(record('🚲🚲🚲🚲🚲🚲🚲🚲🚲🚲', '871200')))).toBe('accepted');
    expect(reasonOf(validator.check(record('🚲🚲🚲🚲🚲🚲🚲🚲🚲🚲🚲', '871200')))).toBe('too-long');
  });

  it('replaces control characters other than tab and newline by spaces, and trims', () => {
    const verdict = new RowValidator().check(
      record('  steel\u0000bolts\u0007\tM8\r\nzinc\u0085 \u000b', '731815'),
    );
    expect(verdict).toEqual({
      accepted: true,
      row: { text: 'steel bolts \tM8\nzinc', hs6: '731815', source: 'in.csv' },
    });
  });

  it('rejects a row with U+FFFD in its description or code as invalid-utf8', () => {
    const validator = new RowValidator();
    expect(reasonOf(validator.check(record('caf\uFFFD beans', '090111')))).toBe('invalid-utf8');
    expect(reasonOf(validator.check(record('coffee beans', '0901\uFFFD11')))).toBe('invalid-utf8');
    expect(reasonOf(validator.check(record('coffee beans', '090111')))).toBe('accepted');
  });

  it('rejects unparsable records as malformed-record with the reader’s explanation', () => {
    const verdict = new RowValidator().check(
      record(undefined, undefined, { problem: 'the line is not valid JSON' }),
    );
    expect(verdict.accepted).toBe(false);
    if (!verdict.accepted)
      expect(verdict.rejection).toMatchObject({
        reason: 'malformed-record',
        message: 'the line is not valid JSON',
      });
  });

  it('keeps the first of equal descriptions, ignoring case and spacing: later ones are duplicates or conflicts', () => {
    const validator = new RowValidator();
    const first = record('Cotton  T-Shirt', '610910');
    expect(reasonOf(validator.check(first))).toBe('accepted');
    const again = validator.check(record('cotton t-shirt', '6109.10.00'));
    expect(reasonOf(again)).toBe('duplicate');
    if (!again.accepted) expect(again.rejection.message).toContain(`line ${first.line} of in.csv`);

    const other = record(' COTTON\tT-SHIRT ', '620520');
    const conflict = validator.check(other);
    expect(conflict.accepted).toBe(false);
    if (conflict.accepted) return;
    expect(conflict.rejection.reason).toBe('conflicting-label');
    expect(conflict.conflict).toEqual({
      text: 'COTTON\tT-SHIRT',
      first: { source: 'in.csv', line: first.line, hs6: '610910' },
      other: { source: 'in.csv', line: other.line, hs6: '620520' },
    });
    expect(reasonOf(validator.check(record('cotton t-shirts', '610910')))).toBe('accepted');
  });

  it('checks against labels seeded from elsewhere and adds what it accepts', () => {
    const index = new LabelIndex();
    index.addRows([{ text: 'wooden chair', hs6: '940360' }], 'default-corpus');
    const validator = new RowValidator({ index });
    const verdict = validator.check(record('Wooden chair', '940161'));
    expect(verdict.accepted ? undefined : verdict.conflict?.first).toEqual({
      source: 'default-corpus',
      line: 1,
      hs6: '940360',
    });
    validator.check(record('oak table', '940360'));
    expect(index.size).toBe(2);
  });
});
