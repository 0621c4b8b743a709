import type { LabelledRow } from '../dataset';
import { compareStrings, normaliseText } from './normalise';

export interface DedupeResult {
  kept: LabelledRow[];
  /** Rows that repeat a kept text with the same code. */
  duplicates: LabelledRow[];
  /** Rows whose code lost the vote for their text. */
  outvoted: LabelledRow[];
  /** Texts (normalised) that carried more than one code. */
  conflictingTexts: number;
}

/** Which row of a group speaks for it: nomenclature wording first, then the order of the text. */
const SOURCE_RANK: Record<string, number> = { hs2022: 0, 'us-hts': 1, micro: 2 };

/**
 * One row per normalised text. When a text carries several codes, the most frequent code wins
 * (ties go to the smallest code) — a text cannot teach two answers. The result does not depend
 * on the input order.
 */
export function dedupe(rows: readonly LabelledRow[]): DedupeResult {
  const groups = new Map<string, LabelledRow[]>();
  for (const row of rows) {
    const key = normaliseText(row.text);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const result: DedupeResult = { kept: [], duplicates: [], outvoted: [], conflictingTexts: 0 };
  for (const group of groups.values()) {
    const winner = winningCode(group);
    if (new Set(group.map((r) => r.hs6)).size > 1) result.conflictingTexts++;
    const [first, ...rest] = group.filter((r) => r.hs6 === winner).sort(byRepresentative);
    if (first) result.kept.push(first);
    result.duplicates.push(...rest);
    result.outvoted.push(...group.filter((r) => r.hs6 !== winner));
  }
  return result;
}

function winningCode(group: readonly LabelledRow[]): string {
  const counts = new Map<string, number>();
  for (const row of group) counts.set(row.hs6, (counts.get(row.hs6) ?? 0) + 1);
  let best = '';
  let bestCount = 0;
  for (const [code, count] of counts) {
    if (count > bestCount || (count === bestCount && compareStrings(code, best) < 0)) {
      best = code;
      bestCount = count;
    }
  }
  return best;
}

function byRepresentative(a: LabelledRow, b: LabelledRow): number {
  const rank = (SOURCE_RANK[a.source ?? ''] ?? 9) - (SOURCE_RANK[b.source ?? ''] ?? 9);
  return rank !== 0 ? rank : compareStrings(a.text, b.text);
}
