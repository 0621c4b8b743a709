import { writeFileSync } from 'node:fs';
import { loadNomenclature } from '../../models/hs/nomenclature';
import type { LabelledRow } from '../../training/dataset';
import { seededRandom, shuffleInPlace } from '../../training/rng';

/**
 * A small labelled set made from real HS 2022 texts: for each of the first `classes`
 * subheadings of a few chapters, `perClass` descriptions built from its own words and its
 * heading's, shuffled and cut short the way real declarations are.
 */
export function tinyDataset(classes = 24, perClass = 8, seed = 1): LabelledRow[] {
  const hs = loadNomenclature();
  const random = seededRandom(seed);
  const codes = [...hs.subheadings.keys()].filter((c) => /^(61|84|03|22)/.test(c)).slice(0, classes);
  const rows: LabelledRow[] = [];
  for (const hs6 of codes) {
    const { heading, subheading } = hs.hierarchy(hs6);
    const words = `${subheading?.description ?? ''} ${heading?.description ?? ''}`
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((w) => w.length > 2);
    for (let i = 0; i < perClass; i++) {
      const picked = [...words];
      shuffleInPlace(picked, random);
      rows.push({ text: picked.slice(0, 4 + (i % 4)).join(' '), hs6 });
    }
  }
  return rows;
}

export function writeCsv(path: string, rows: readonly LabelledRow[]): void {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  writeFileSync(
    path,
    ['description,hs_code', ...rows.map((r) => `${quote(r.text)},${r.hs6}`)].join('\n') + '\n',
  );
}
