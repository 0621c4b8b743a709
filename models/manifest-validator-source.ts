import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import schema from './manifest.schema.json';
import { STANDALONE_CODE_OPTIONS, standaloneModule } from './validators/standalone-module';

export const MANIFEST_VALIDATOR_FILE = 'models/manifest-validator.generated.ts';

/** The generated manifest validator's source: `validateManifest`, reporting every error. */
export function manifestValidatorSource(): string {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    code: STANDALONE_CODE_OPTIONS,
  });
  addFormats(ajv);
  return standaloneModule(ajv, { validateManifest: schema }, 'models/manifest.schema.json');
}
