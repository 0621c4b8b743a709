/**
 * Cells a spreadsheet would run as a formula: = + - @ and, as OWASP adds, tab and carriage return.
 * People open batch outputs in spreadsheets, and descriptions come from anyone.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell: prefixed with a single quote when a spreadsheet would take it for a formula, then
 * quoted as RFC 4180 says (in double quotes, inner quotes doubled) when it holds a comma, a quote
 * or a line break.
 */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record, CRLF-terminated as RFC 4180 has it. */
export const csvRecord = (cells: readonly string[]): string => `${cells.map(csvCell).join(',')}\r\n`;
