/**
 * Text that remembers where it came from: every UTF-16 code unit of `text` carries the range of
 * the original string it was derived from. Normalisation runs on this, so each word the model sees
 * can be traced back to the characters a person typed (explanations highlight those).
 */
export interface MappedText {
  text: string;
  /** For each code unit of `text`, the start (inclusive) and end (exclusive) in the original. */
  start: number[];
  end: number[];
}

// Built on first use: ICU's break-iterator data costs some 20 ms of a process's start here, and
// text of plain ASCII (nearly every description) never needs it.
let graphemes: Intl.Segmenter | undefined;

/** Plain ASCII: every character is a grapheme of its own, except CR LF, which is one. */
const ASCII = /^\p{ASCII}*$/u;

function* asciiGraphemes(raw: string): Generator<{ segment: string; index: number }> {
  for (let index = 0; index < raw.length; index++) {
    const pair = raw[index] === '\r' && raw[index + 1] === '\n';
    yield { segment: pair ? '\r\n' : (raw[index] as string), index };
    if (pair) index++;
  }
}

/** The grapheme clusters of a string (UAX #29), with where each starts. */
export function graphemesOf(raw: string): Iterable<{ segment: string; index: number }> {
  if (ASCII.test(raw)) return asciiGraphemes(raw);
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return graphemes.segment(raw);
}

/**
 * Applies a character-level fold (e.g. NFKC and lower-casing) one grapheme at a time: whatever a
 * grapheme becomes maps back to that grapheme. Per grapheme rather than per code point, so a base
 * letter and its combining marks still compose as they do over the whole string.
 */
export function foldGraphemes(raw: string, fold: (grapheme: string) => string): MappedText {
  const out: MappedText = { text: '', start: [], end: [] };
  const parts: string[] = [];
  for (const { segment, index } of graphemesOf(raw)) {
    const folded = fold(segment);
    parts.push(folded);
    for (let i = 0; i < folded.length; i++) {
      out.start.push(index);
      out.end.push(index + segment.length);
    }
  }
  out.text = parts.join('');
  return out;
}

/**
 * `String.replace` over mapped text. In the replacement, `$1`…`$9` keep their characters' origins;
 * literal characters come from the part of the match the kept groups do not cover (so in
 * `(\d)\s*"` → `$1 inch`, "inch" maps to the quote mark), or from the whole match when the groups
 * cover all of it (`(\d)(\p{L})` → `$1 $2`).
 * The pattern must be global.
 */
export function replaceMapped(input: MappedText, pattern: RegExp, replacement: string): MappedText {
  const withIndices = new RegExp(
    pattern.source,
    pattern.flags.includes('d') ? pattern.flags : `${pattern.flags}d`,
  );
  const out: MappedText = { text: '', start: [], end: [] };
  const parts: string[] = [];
  const copy = (from: number, to: number) => {
    parts.push(input.text.slice(from, to));
    for (let i = from; i < to; i++) {
      out.start.push(input.start[i] as number);
      out.end.push(input.end[i] as number);
    }
  };
  let last = 0;
  for (const match of input.text.matchAll(withIndices)) {
    const at = match.index;
    const after = at + match[0].length;
    copy(last, at);
    const pieces = replacement.split(/(\$\d)/);
    const replaced = literalOrigin(input, match, pieces);
    for (const piece of pieces) {
      const group = /^\$(\d)$/.exec(piece)?.[1];
      if (group !== undefined) {
        const range = match.indices?.[Number(group)];
        if (range) copy(range[0], range[1]);
        continue;
      }
      parts.push(piece);
      // Pure insertions (the groups keep the whole match) come from nowhere: a zero-width origin
      // where they were inserted, so later rules do not stretch a word over its neighbour.
      const point = out.end.at(-1) ?? input.start[at] ?? 0;
      const [from, to] = replaced ?? [point, point];
      for (let i = 0; i < piece.length; i++) {
        out.start.push(from);
        out.end.push(to);
      }
    }
    last = after;
  }
  copy(last, input.text.length);
  out.text = parts.join('');
  return out;
}

/**
 * Where the literal characters of a replacement come from in the original text: the characters of
 * the match the kept groups leave out; undefined when the groups keep all of it (an insertion).
 */
function literalOrigin(
  input: MappedText,
  match: RegExpMatchArray,
  pieces: readonly string[],
): [number, number] | undefined {
  const at = match.index as number;
  const after = at + match[0].length;
  const kept = new Set<number>();
  for (const piece of pieces) {
    const group = /^\$(\d)$/.exec(piece)?.[1];
    const range = group === undefined ? undefined : match.indices?.[Number(group)];
    if (range) for (let i = range[0]; i < range[1]; i++) kept.add(i);
  }
  const rest = Array.from({ length: after - at }, (_, i) => at + i).filter((i) => !kept.has(i));
  if (rest.length === 0) return undefined;
  return [
    Math.min(...rest.map((i) => input.start[i] as number)),
    Math.max(...rest.map((i) => input.end[i] as number)),
  ];
}
