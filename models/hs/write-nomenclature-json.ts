/**
 * Rewrites `models/hs/hs2022.json` from the shipped CSV files: run after changing them
 * (`npm run nomenclature`). A test fails while the two disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { projectFile } from '../paths';
import { NOMENCLATURE_FILE } from './nomenclature';
import { NOMENCLATURE_SOURCES, parseNomenclatureCsv } from './nomenclature-csv';

const data = parseNomenclatureCsv(
  readFileSync(projectFile(NOMENCLATURE_SOURCES.codes)),
  readFileSync(projectFile(NOMENCLATURE_SOURCES.sections)),
);
writeFileSync(projectFile(NOMENCLATURE_FILE), `${JSON.stringify(data)}\n`);
console.log(`${NOMENCLATURE_FILE}: ${data.entries.length} codes, ${data.sections.length} sections`);
