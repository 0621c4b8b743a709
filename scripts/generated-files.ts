import { readFileSync } from 'node:fs';
import { NOMENCLATURE_FILE } from '../models/hs/nomenclature';
import { NOMENCLATURE_SOURCES, nomenclatureJson } from '../models/hs/nomenclature-csv';
import { MANIFEST_VALIDATOR_FILE, manifestValidatorSource } from '../models/manifest-validator-source';
import { projectFile } from '../models/paths';
import { REQUEST_VALIDATORS_FILE, requestValidatorsSource } from '../runtime/http/request-validator-source';

/**
 * Files derived from other files in this repository, each with the function that derives its
 * text. They are committed so that a start-up reads them instead of deriving them each time.
 */
export const GENERATED_FILES: Readonly<Record<string, () => string>> = {
  [NOMENCLATURE_FILE]: () =>
    nomenclatureJson(
      readFileSync(projectFile(NOMENCLATURE_SOURCES.codes)),
      readFileSync(projectFile(NOMENCLATURE_SOURCES.sections)),
    ),
  [MANIFEST_VALIDATOR_FILE]: manifestValidatorSource,
  [REQUEST_VALIDATORS_FILE]: requestValidatorsSource,
};

/** The committed text of a generated file, or '' when it does not exist yet. */
export function committedText(file: string): string {
  try {
    return readFileSync(projectFile(file), 'utf8');
  } catch {
    return '';
  }
}
