import { parse } from 'csv-parse/sync';
import type { LabelledRow } from '../dataset';
import { normaliseText } from './normalise';

/** The normalised texts of the development set (`benchmark_cases.csv`, column `text`). */
export function benchmarkKeys(csv: string | Buffer): Set<string> {
  const records = parse(csv, { columns: true, bom: true, skip_empty_lines: true }) as Array<{
    text?: string;
  }>;
  return new Set(records.map((r) => normaliseText(r.text ?? '')).filter((key) => key !== ''));
}

/**
 * Whether `text` contains `key` as whole words ("fresh boneless beef cuts" contains "fresh
 * boneless beef"). Scripts written without spaces (Thai, Chinese) match as plain substrings.
 */
function containsCase(text: string, key: string): boolean {
  if (!/\s/.test(key) && !/\p{Script=Latin}/u.test(key)) return text.includes(key);
  return ` ${text.replace(/[^\p{L}\p{N}]+/gu, ' ')} `.includes(` ${key.replace(/[^\p{L}\p{N}]+/gu, ' ')} `);
}

/**
 * The corpus without any text of the development set, whatever its code, nor any commercial
 * phrase that contains a development case: a benchmark case seen in training, even dressed up as
 * "fresh boneless beef cuts for restaurant supply", would make the development score a memory test.
 */
export function withoutLeakage(
  rows: readonly LabelledRow[],
  benchmark: ReadonlySet<string>,
): { kept: LabelledRow[]; removed: LabelledRow[] } {
  const kept: LabelledRow[] = [];
  const removed: LabelledRow[] = [];
  const keys = [...benchmark];
  for (const row of rows) {
    const text = normaliseText(row.text);
    // Official texts (nomenclature, tariff) are not leakage when they merely contain a case's
    // words ("oil", "tea"); the commercial phrases come from the same hand as the cases.
    const leaked =
      benchmark.has(text) || (row.source === 'micro' && keys.some((key) => containsCase(text, key)));
    (leaked ? removed : kept).push(row);
  }
  return { kept, removed };
}
