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
 * The corpus without any text of the development set, whatever its code: a benchmark case seen
 * in training would make the development score a memory test.
 */
export function withoutLeakage(
  rows: readonly LabelledRow[],
  benchmark: ReadonlySet<string>,
): { kept: LabelledRow[]; removed: LabelledRow[] } {
  const kept: LabelledRow[] = [];
  const removed: LabelledRow[] = [];
  for (const row of rows) (benchmark.has(normaliseText(row.text)) ? removed : kept).push(row);
  return { kept, removed };
}
