import { parse } from 'csv-parse/sync';
import type { LabelledRow } from '../dataset';
import { normaliseText, tidyText } from './normalise';
import { ReasonCounter, type PartStats } from './stats';

interface HsRecord {
  hscode: string;
  description: string;
  parent: string;
  level: string;
}

interface Candidate {
  text: string;
  /** A shorter form drops words, so it may no longer tell two siblings apart. */
  shorter: boolean;
}

const NOT_SPECIFIED = new Set(['99', '9999', '999999']);
const MAX_TEXTS_PER_SUBHEADING = 4;

/**
 * Part 1: texts from the HS 2022 nomenclature. For each subheading, best first: its
 * description; the description joined with its heading's (the heading carries the goods' name
 * when the subheading only refines it), or with its chapter's when the heading says the same;
 * shorter forms without parentheses and cross-references, or "<refinement> <goods>" ("wheat
 * starch" for "Starch; wheat"); the chapter too for very short subheadings. At most four, no
 * repeats; a shorter form is kept only if no other subheading produces the same text.
 */
export function nomenclatureTexts(csv: string | Buffer): { rows: LabelledRow[]; stats: PartStats } {
  const records = parse(csv, { columns: true, bom: true, skip_empty_lines: true }) as HsRecord[];
  const dropped = new ReasonCounter();
  const byCode = new Map<string, HsRecord>();
  const subheadings: HsRecord[] = [];
  let contextRecords = 0;
  for (const record of records) {
    if (record.hscode === 'TOTAL') dropped.add('total-row');
    else if (NOT_SPECIFIED.has(record.hscode)) dropped.add('not-specified');
    else if (record.level === '6') subheadings.push(record);
    else contextRecords++;
    byCode.set(record.hscode, record);
  }

  const candidates = subheadings.map((sub) => ({ hs6: sub.hscode, texts: candidatesOf(sub, byCode) }));
  const ambiguous = sharedTexts(
    candidates.flatMap(({ hs6, texts }) => texts.map(({ text }) => ({ text, hs6 }))),
  );
  const rows: LabelledRow[] = [];
  let shorterForms = 0;
  for (const { hs6, texts } of candidates) {
    const seen = new Set<string>();
    for (const { text, shorter } of texts) {
      const key = normaliseText(text);
      if (seen.size >= MAX_TEXTS_PER_SUBHEADING || seen.has(key) || (shorter && ambiguous.has(key))) continue;
      seen.add(key);
      rows.push({ text, hs6, source: 'hs2022' });
      if (shorter) shorterForms++;
    }
  }

  return {
    rows,
    stats: {
      inputRecords: records.length,
      contextRecords,
      usedRecords: subheadings.length,
      dropped: dropped.toJSON(),
      remapped: {},
      textsEmitted: rows.length,
      notes: { 'shorter-forms': shorterForms },
    },
  };
}

function candidatesOf(sub: HsRecord, byCode: ReadonlyMap<string, HsRecord>): Candidate[] {
  const heading = byCode.get(sub.parent);
  const chapter = heading ? byCode.get(heading.parent) : undefined;
  const own = tidyText(sub.description);
  const headingText = heading ? tidyText(heading.description) : undefined;
  const chapterText = chapter ? tidyText(chapter.description) : undefined;
  const texts: Candidate[] = [{ text: own, shorter: false }];
  // "Cyclic hydrocarbons: Cyclic hydrocarbons; ethylbenzene" says nothing new: go up to the chapter.
  const headingAddsWords =
    headingText !== undefined && !normaliseText(own).startsWith(normaliseText(headingText));
  if (headingAddsWords) texts.push({ text: `${headingText}: ${own}`, shorter: false });
  else if (chapterText) texts.push({ text: `${chapterText}: ${own}`, shorter: false });
  for (const text of shorterForms(own)) texts.push({ text, shorter: true });
  if (headingAddsWords && chapterText && wordCount(own) < 4) {
    texts.push({ text: `${chapterText}: ${headingText}: ${own}`, shorter: false });
  }
  return texts;
}

const wordCount = (text: string): number => text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;

const NUMBER_LIST = String.raw`[\d.]+(\s*(,|or|and|to)\s*[\d.]+)*`;
const NOT_ELSEWHERE = new RegExp(
  String.raw`\bn\.e\.c\.(\s+((in|of)\s+)?(this\s+)?(heading|subheading|item|chapter)s?(\s+no\.)?(\s+${NUMBER_LIST})?)?`,
  'gi',
);
const CROSS_REFERENCE = new RegExp(
  String.raw`\b(of|in)\s+(heading|subheading|item|chapter)s?\s+(no\.\s*)?${NUMBER_LIST}`,
  'gi',
);

/** Parentheses and cross-references ("of heading no. 8501", "n.e.c. in item no. 7318.1") carry no goods. */
export function withoutReferences(text: string): string {
  let out = text;
  for (let depth = 0; depth < 3; depth++) out = out.replace(/\s*\([^()]*\)/g, '');
  out = out.replace(NOT_ELSEWHERE, '').replace(CROSS_REFERENCE, '');
  out = out.replace(/\s+([,;])/g, '$1').replace(/([,;])(\s*[,;])+/g, '$1');
  return tidyText(out).replace(/^[,;\s]+|[,;\s]+$/g, '');
}

function shorterForms(description: string): string[] {
  const forms: string[] = [];
  const compact = withoutReferences(description);
  if (compact.length < description.length && wordCount(compact) > 0) forms.push(compact);
  const parts = compact.split(';').map((p) => p.trim());
  const [goods, refinement] = parts;
  // "Starch; wheat" → "wheat starch"; longer goods ("Medical, surgical instruments…") read badly reordered.
  const shortGoods = goods !== undefined && wordCount(goods) <= 3 && !goods.includes(',');
  if (
    parts.length === 2 &&
    shortGoods &&
    refinement &&
    wordCount(refinement) <= 2 &&
    !/^other\b/i.test(refinement)
  ) {
    forms.push(`${refinement} ${goods.toLowerCase()}`);
  }
  return forms;
}

/** Texts that more than one subheading produces. */
function sharedTexts(rows: ReadonlyArray<{ text: string; hs6: string }>): Set<string> {
  const codesByText = new Map<string, Set<string>>();
  for (const row of rows) {
    const key = normaliseText(row.text);
    const codes = codesByText.get(key) ?? new Set<string>();
    codes.add(row.hs6);
    codesByText.set(key, codes);
  }
  return new Set([...codesByText].filter(([, codes]) => codes.size > 1).map(([key]) => key));
}
