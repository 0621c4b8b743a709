import { createHash } from 'node:crypto';
import type { LabelledRow } from '../dataset';
import { compareStrings, normaliseText } from './normalise';

/**
 * At most `cap` rows per HS6 from one source, the others left as they are. Which rows stay is
 * decided by a seeded hash of the text, so the choice is stable, unrelated to file order, and
 * a new seed draws another sample. Some tariff lines run to 150 variants of one subheading
 * (textiles); without a cap they would dwarf the subheadings that have two.
 */
export function capPerHs6(
  rows: readonly LabelledRow[],
  source: string,
  cap: number,
  seed: string,
): { kept: LabelledRow[]; removed: LabelledRow[] } {
  if (!Number.isInteger(cap) || cap < 1) throw new Error(`the cap must be a whole number ≥ 1, got ${cap}`);
  const bySubheading = new Map<string, Array<{ row: LabelledRow; rank: string }>>();
  const kept: LabelledRow[] = [];
  for (const row of rows) {
    if (row.source !== source) {
      kept.push(row);
      continue;
    }
    const rank = createHash('sha256')
      .update(`${seed}\u0000${normaliseText(row.text)}`)
      .digest('hex');
    const list = bySubheading.get(row.hs6) ?? [];
    list.push({ row, rank });
    bySubheading.set(row.hs6, list);
  }
  const removed: LabelledRow[] = [];
  for (const list of bySubheading.values()) {
    list.sort((a, b) => compareStrings(a.rank, b.rank));
    list.forEach(({ row }, i) => (i < cap ? kept : removed).push(row));
  }
  return { kept, removed };
}
