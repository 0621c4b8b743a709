import { readFileSync } from 'node:fs';
import { projectFile } from '../paths';
import { hs2Of, hs4Of } from './code';
import type { NomenclatureData } from './nomenclature-csv';

export interface HsEntry {
  code: string;
  description: string;
  /** Section roman numeral (I..XXI). */
  section: string;
}

/** The HS 2022 nomenclature: chapters (2 digits), headings (4) and subheadings (6). */
export interface Nomenclature {
  readonly edition: 'HS2022';
  readonly chapters: ReadonlyMap<string, HsEntry>;
  readonly headings: ReadonlyMap<string, HsEntry>;
  readonly subheadings: ReadonlyMap<string, HsEntry>;
  readonly sections: ReadonlyMap<string, string>;
  isSubheading(hs6: string): boolean;
  /** Chapter and heading entries of a subheading, for responses and reports. */
  hierarchy(hs6: string): { chapter?: HsEntry; heading?: HsEntry; subheading?: HsEntry };
}

/** Pre-parsed from the shipped CSV files by `npm run generate` (see nomenclature-csv.ts). */
export const NOMENCLATURE_FILE = 'models/hs/hs2022.json';

let cached: Nomenclature | undefined;

export function loadNomenclature(): Nomenclature {
  if (cached) return cached;
  const data = JSON.parse(readFileSync(projectFile(NOMENCLATURE_FILE), 'utf8')) as NomenclatureData;
  const byLevel = {
    2: new Map<string, HsEntry>(),
    4: new Map<string, HsEntry>(),
    6: new Map<string, HsEntry>(),
  };
  for (const [code, description, section] of data.entries) {
    byLevel[code.length as 2 | 4 | 6].set(code, { code, description, section });
  }
  const { 2: chapters, 4: headings, 6: subheadings } = byLevel;
  const sections = new Map(data.sections);

  cached = {
    edition: 'HS2022',
    chapters,
    headings,
    subheadings,
    sections,
    isSubheading: (hs6) => subheadings.has(hs6),
    hierarchy: (hs6) => ({
      chapter: chapters.get(hs2Of(hs6)),
      heading: headings.get(hs4Of(hs6)),
      subheading: subheadings.get(hs6),
    }),
  };
  return cached;
}
