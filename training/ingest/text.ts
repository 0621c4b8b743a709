/** Every C0/C1 control character except tab and newline (CR is handled first, see cleanText). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * The description as it is kept: CRLF as LF, stray control characters (from PDF or terminal
 * copies) as spaces, since they carry no meaning but the words around them do; trimmed.
 */
export function cleanText(raw: string): string {
  if (!CONTROL.test(raw)) return raw.trim();
  return raw.replace(/\r\n/g, '\n').replace(CONTROLS, ' ').trim();
}

/** Length in characters (code points), so a limit means the same for any script. */
export function characterCount(text: string, atMost: number): number {
  // UTF-16 length is an upper bound of the code point count: only count when it matters.
  if (text.length <= atMost) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** U+FFFD is what decoding left where the bytes were not UTF-8 (or an earlier conversion failed). */
export const hasReplacementCharacter = (value: string | undefined): boolean =>
  value !== undefined && value.includes('\uFFFD');

/** Two descriptions are the same when they differ only by case and spacing. */
export function dedupeKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
