const EDGE = /^[\s\p{P}]$/u;
const NEEDS_SPACE_FOLDING = /\s\s|[^\S ]/;

/**
 * The comparison key of a description, for deduplication and the benchmark leakage guard:
 * NFC, lower case, whitespace collapsed, punctuation trimmed at both ends. Two texts with the
 * same key are the same training example as far as the model can tell.
 */
export function normaliseText(text: string): string {
  let s = text.normalize('NFC').toLowerCase();
  if (NEEDS_SPACE_FOLDING.test(s)) s = s.replace(/\s+/g, ' ');
  // A loop, not /[\s\p{P}]+$/: that regex retries from every position of a long text.
  let start = 0;
  let end = s.length;
  while (start < end) {
    const char = String.fromCodePoint(s.codePointAt(start) ?? 0);
    if (!EDGE.test(char)) break;
    start += char.length;
  }
  while (end > start) {
    const low = s.charCodeAt(end - 1);
    const width = low >= 0xdc00 && low <= 0xdfff && end - 2 >= start ? 2 : 1;
    if (!EDGE.test(s.slice(end - width, end))) break;
    end -= width;
  }
  return s.slice(start, end);
}

/** Whitespace collapsed and trimmed: the form in which a text is written to the corpus. */
export function tidyText(text: string): string {
  return (NEEDS_SPACE_FOLDING.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
}

/** Code-unit order, not locale order: the same on every machine and Node version. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
