import { parse } from 'csv-parse/sync';
import type { LabelledRow } from '../dataset';
import type { Hs2022Resolver } from './hs2022-resolver';
import { stripBoilerplate } from './micro-boilerplate';
import { normaliseText, tidyText } from './normalise';
import { ReasonCounter, type PartStats } from './stats';

interface MicroRecord {
  text: string;
  hs_code: string;
  hs_chapter: string;
}

/**
 * The code of a micro row as 6 digits. A 5-digit code is what a spreadsheet leaves of a code
 * with a leading zero; it is restored only when the row's own `hs_chapter` ("HS 08") confirms
 * the chapter, since a lost zero and a missing digit look alike otherwise. (The shipped file
 * has none: all 13,786 codes are 6-digit strings; the rule guards re-exports of it.)
 */
export function microCode(record: {
  hs_code: string;
  hs_chapter: string;
}): { hs6: string; restored: boolean } | undefined {
  const code = record.hs_code.trim();
  if (/^\d{6}$/.test(code)) return { hs6: code, restored: false };
  if (/^\d{5}$/.test(code) && record.hs_chapter.trim() === `HS 0${code[0]}`)
    return { hs6: `0${code}`, restored: true };
  return undefined;
}

/**
 * Part 3: the micro set. Its nomenclature rows and phrases come wrapped in trade boilerplate
 * ("…, for bulk procurement program, shipping term CIF."), which is stripped; a row whose goods
 * are then a text of part 1 with the same code adds nothing and is dropped. Every commercial
 * phrase is kept, in every language; repeats among them are left to the corpus-wide dedupe.
 */
export function microTexts(
  csv: string | Buffer,
  resolve: Hs2022Resolver,
  nomenclatureCodesByText: ReadonlyMap<string, ReadonlySet<string>>,
): { rows: LabelledRow[]; stats: PartStats } {
  const records = parse(csv, { columns: true, bom: true, skip_empty_lines: true }) as MicroRecord[];
  const dropped = new ReasonCounter();
  const remapped = new ReasonCounter();
  const notes = new ReasonCounter();
  const rows: LabelledRow[] = [];
  for (const record of records) {
    const code = microCode(record);
    if (!code) {
      dropped.add(/^\d{5}$/.test(record.hs_code.trim()) ? 'five-digit-code-unconfirmed' : 'malformed-code');
      continue;
    }
    if (code.restored) notes.add('leading-zero-restored');
    const resolution = resolve(code.hs6);
    if (resolution.kind === 'dropped') {
      dropped.add(resolution.reason);
      continue;
    }
    const { text, stripped } = stripBoilerplate(record.text);
    const tidy = tidyText(text);
    if (stripped) notes.add('boilerplate-stripped');
    if (normaliseText(tidy) === '') {
      dropped.add('empty-after-stripping');
      continue;
    }
    if (nomenclatureCodesByText.get(normaliseText(tidy))?.has(resolution.hs6)) {
      dropped.add('repeats-nomenclature');
      continue;
    }
    if (resolution.kind === 'remapped') remapped.add(resolution.reason);
    rows.push({ text: tidy, hs6: resolution.hs6, source: 'micro' });
  }
  return {
    rows,
    stats: {
      inputRecords: records.length,
      contextRecords: 0,
      usedRecords: rows.length,
      dropped: dropped.toJSON(),
      remapped: remapped.toJSON(),
      textsEmitted: rows.length,
      notes: notes.toJSON(),
    },
  };
}
