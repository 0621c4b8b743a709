import { parse } from 'csv-parse/sync';

/**
 * The HS 2022 nomenclature as shipped in `models/hs/hs2022.json`: [code, description, section]
 * for every chapter, heading and subheading, and [numeral, name] for the sections. Pre-parsed
 * because parsing the 850 kB CSV took a tenth of every server's cold start.
 */
export interface NomenclatureData {
  source: string;
  entries: Array<[code: string, description: string, section: string]>;
  sections: Array<[numeral: string, name: string]>;
}

/** Codes the CSV uses for "not specified" and totals, which are not part of the nomenclature. */
const NOT_SPECIFIED = new Set(['99', '9999', '999999', 'TOTAL']);

export const NOMENCLATURE_SOURCES = {
  codes: 'data/public/hs2022/harmonized-system.csv',
  sections: 'data/public/hs2022/sections.csv',
} as const;

/** Parses the shipped CSV files (see data/public/README.md) into the shipped JSON form. */
export function parseNomenclatureCsv(codesCsv: Buffer, sectionsCsv: Buffer): NomenclatureData {
  const rows = parse(codesCsv, { columns: true, bom: true, skip_empty_lines: true }) as Array<{
    section: string;
    hscode: string;
    description: string;
    level: string;
  }>;
  const sectionRows = parse(sectionsCsv, { columns: true, bom: true }) as Array<{
    section: string;
    name: string;
  }>;
  return {
    source: `${NOMENCLATURE_SOURCES.codes}, ${NOMENCLATURE_SOURCES.sections}`,
    entries: rows
      .filter((row) => !NOT_SPECIFIED.has(row.hscode) && ['2', '4', '6'].includes(row.level))
      .map((row) => [row.hscode, row.description, row.section]),
    sections: sectionRows.map((s) => [s.section, s.name]),
  };
}

/** The text of `models/hs/hs2022.json`, so the file and the test that keeps it fresh agree. */
export function nomenclatureJson(codesCsv: Buffer, sectionsCsv: Buffer): string {
  return `${JSON.stringify(parseNomenclatureCsv(codesCsv, sectionsCsv))}\n`;
}
