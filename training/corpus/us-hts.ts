import { parse } from 'csv-parse/sync';
import type { LabelledRow } from '../dataset';
import type { Hs2022Resolver } from './hs2022-resolver';
import { cleanHtsDescription, isAdministrative, isBareOther } from './hts-description';
import { normaliseText } from './normalise';
import { ReasonCounter, type PartStats } from './stats';

/** The ingestion's default limit; longer texts would be refused when the corpus is re-ingested. */
export const MAX_TEXT_LENGTH = 1000;

interface HtsLine {
  number: string;
  indent: number;
  description: string;
}

/** One 8/10-digit tariff line with the texts it yields. */
export interface HtsLineTexts {
  htsNumber: string;
  hs6: string;
  /** Every ancestor's words and the line's own: "Live horses, …: Horses: Purebred breeding animals: Males". */
  full: string;
  /** The line with its nearest ancestor that is not a bare "Other": "Purebred breeding animals: Males". */
  short: string;
}

/**
 * Part 2: the US tariff schedule. Descriptions are fragments ("Males") whose meaning sits in the
 * rows above them, so each line is read with the stack of its ancestors (by the `Indent`
 * column; rows without a number are group headers). Only leaf lines become examples: an
 * 8-digit line with statistical suffixes under it is the ancestor of those, not an example.
 */
export function usHtsTexts(
  csv: string | Buffer,
  resolve: Hs2022Resolver,
): { rows: LabelledRow[]; lines: HtsLineTexts[]; stats: PartStats } {
  const records = parse(csv, { bom: true, from_line: 2, relax_column_count: true }) as string[][];
  const lines: HtsLine[] = records.map((r) => ({
    number: (r[0] ?? '').replace(/\D/g, ''),
    indent: Number.parseInt(r[1] ?? '0', 10) || 0,
    description: cleanHtsDescription(r[2] ?? ''),
  }));

  const dropped = new ReasonCounter();
  const remapped = new ReasonCounter();
  const notes = new ReasonCounter();
  const result: HtsLineTexts[] = [];
  const stack: HtsLine[] = [];
  let contextRecords = 0;
  lines.forEach((line, i) => {
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? -1) >= line.indent) stack.pop();
    const ancestors = stack.filter((a) => a.description !== '');
    stack.push(line);
    const next = lines[i + 1];
    const isLeaf = next === undefined || next.indent <= line.indent;
    if (line.number.length < 8 || !isLeaf) {
      contextRecords++;
      return;
    }
    if (line.description === '') {
      dropped.add('empty-description');
      return;
    }
    const resolution = resolve(line.number.slice(0, 6));
    if (resolution.kind === 'dropped') {
      dropped.add(resolution.reason);
      return;
    }
    if (resolution.kind === 'remapped') remapped.add(resolution.reason);
    const texts = lineTexts(ancestors, line);
    if (texts.trimmed) notes.add('full-text-shortened-to-limit');
    result.push({ htsNumber: line.number, hs6: resolution.hs6, full: texts.full, short: texts.short });
  });

  // "Of cotton: Other" is the short form of lines in dozens of subheadings: it teaches no code.
  const codesByText = new Map<string, Set<string>>();
  for (const line of result) {
    for (const text of [line.full, line.short]) {
      const key = normaliseText(text);
      const codes = codesByText.get(key) ?? new Set<string>();
      codes.add(line.hs6);
      codesByText.set(key, codes);
    }
  }
  const rows: LabelledRow[] = [];
  for (const line of result) {
    rows.push({ text: line.full, hs6: line.hs6, source: 'us-hts' });
    const shortKey = normaliseText(line.short);
    if (shortKey === normaliseText(line.full)) continue;
    if (codesByText.get(shortKey)?.size === 1)
      rows.push({ text: line.short, hs6: line.hs6, source: 'us-hts' });
    else notes.add('short-form-ambiguous');
  }
  return {
    rows,
    lines: result,
    stats: {
      inputRecords: records.length,
      contextRecords,
      usedRecords: result.length,
      dropped: dropped.toJSON(),
      remapped: remapped.toJSON(),
      textsEmitted: rows.length,
      notes: notes.toJSON(),
    },
  };
}

function lineTexts(ancestors: HtsLine[], line: HtsLine): { full: string; short: string; trimmed: boolean } {
  const parts = [...ancestors.map((a) => a.description), line.description]
    .filter((part) => !isAdministrative(part))
    .filter((part, i, all) => i === 0 || normaliseText(part) !== normaliseText(all[i - 1] ?? ''));
  // The line's own words, or its nearest ancestor's when the line only states a quota condition.
  const own = parts[parts.length - 1] ?? line.description;
  const named = parts
    .slice(0, -1)
    .reverse()
    .find((part) => !isBareOther(part));
  const short = named ? `${named}: ${own}` : own;
  // Past the limit, give up the middle: the root names the goods, the nearest rows the line.
  let trimmed = false;
  while (parts.join(': ').length > MAX_TEXT_LENGTH && parts.length > 2) {
    parts.splice(1, 1);
    trimmed = true;
  }
  return {
    full: parts.join(': ').slice(0, MAX_TEXT_LENGTH),
    short: short.slice(0, MAX_TEXT_LENGTH),
    trimmed,
  };
}
