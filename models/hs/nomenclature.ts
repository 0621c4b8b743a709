import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { projectFile } from '../paths';
import { hs2Of, hs4Of } from './code';

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

const NOT_SPECIFIED = new Set(['99', '9999', '999999', 'TOTAL']);

let cached: Nomenclature | undefined;

export function loadNomenclature(): Nomenclature {
  if (cached) return cached;
  const rows = parse(readFileSync(projectFile('data/public/hs2022/harmonized-system.csv')), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  }) as Array<{ section: string; hscode: string; description: string; level: string }>;
  const sectionRows = parse(readFileSync(projectFile('data/public/hs2022/sections.csv')), {
    columns: true,
    bom: true,
  }) as Array<{ section: string; name: string }>;

  const chapters = new Map<string, HsEntry>();
  const headings = new Map<string, HsEntry>();
  const subheadings = new Map<string, HsEntry>();
  for (const row of rows) {
    if (NOT_SPECIFIED.has(row.hscode)) continue;
    const entry = { code: row.hscode, description: row.description, section: row.section };
    if (row.level === '2') chapters.set(row.hscode, entry);
    else if (row.level === '4') headings.set(row.hscode, entry);
    else if (row.level === '6') subheadings.set(row.hscode, entry);
  }
  const sections = new Map(sectionRows.map((s) => [s.section, s.name]));

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
