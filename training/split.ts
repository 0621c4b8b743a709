import { fnv1a } from '../models/encoder/hash';
import type { LabelledRow } from './dataset';
import { seededRandom, shuffleInPlace } from './rng';

export interface Split {
  train: LabelledRow[];
  validation: LabelledRow[];
}

/**
 * Stratified hold-out: within each HS6 the rows are ordered by a seeded hash of their text
 * and the first `fraction` go to validation. Hashing (not shuffling) keeps a row on the same
 * side when new data is added, so a retrained candidate and the champion can be scored on
 * the same held-out rows. A class with a single row stays in training: a model cannot learn
 * a class it never saw.
 */
export function stratifiedSplit(rows: readonly LabelledRow[], fraction: number, seed: number): Split {
  const byClass = new Map<string, LabelledRow[]>();
  for (const row of rows) {
    const group = byClass.get(row.hs6);
    if (group) group.push(row);
    else byClass.set(row.hs6, [row]);
  }
  const train: LabelledRow[] = [];
  const validation: LabelledRow[] = [];
  for (const hs6 of [...byClass.keys()].sort()) {
    const group = (byClass.get(hs6) as LabelledRow[])
      .map((row) => ({ row, key: fnv1a(`${seed}:${row.text}`) }))
      .sort((a, b) => a.key - b.key || (a.row.text < b.row.text ? -1 : a.row.text > b.row.text ? 1 : 0))
      .map(({ row }) => row);
    // Rounding on a hash-derived fraction spreads the remainders evenly across classes.
    const share = group.length * fraction + (fnv1a(`${seed}/${hs6}`) % 1000) / 1000;
    const held = group.length < 2 ? 0 : Math.min(group.length - 1, Math.floor(share));
    validation.push(...group.slice(0, held));
    train.push(...group.slice(held));
  }
  return { train, validation };
}

/**
 * Repeats the rows of classes smaller than `minRows` (cycling through a seeded shuffle of the
 * class) until each has `minRows`, so rare subheadings are not drowned by common ones.
 */
export function upsampleMinorityClasses(
  rows: readonly LabelledRow[],
  minRows: number,
  seed: number,
): LabelledRow[] {
  const random = seededRandom(seed);
  const byClass = new Map<string, LabelledRow[]>();
  for (const row of rows) {
    const group = byClass.get(row.hs6);
    if (group) group.push(row);
    else byClass.set(row.hs6, [row]);
  }
  const out = [...rows];
  for (const hs6 of [...byClass.keys()].sort()) {
    const group = [...(byClass.get(hs6) as LabelledRow[])];
    shuffleInPlace(group, random);
    for (let i = group.length; i < minRows; i++) out.push(group[i % group.length] as LabelledRow);
  }
  return out;
}

/**
 * The held-out rows in two halves by a seeded hash of each text: fusion weights and the review
 * threshold are chosen on `calibration`, and `evaluation` scores the result with rows none of
 * it was fitted on. Like the split itself, a row keeps its half when data grows.
 */
export function calibrationHalves(
  rows: readonly LabelledRow[],
  seed: number,
): { calibration: LabelledRow[]; evaluation: LabelledRow[] } {
  const calibration: LabelledRow[] = [];
  const evaluation: LabelledRow[] = [];
  for (const row of rows)
    (fnv1a(`${seed}:calibration:${row.text}`) % 2 === 0 ? calibration : evaluation).push(row);
  return { calibration, evaluation };
}
