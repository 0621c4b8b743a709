import Ajv2020 from 'ajv/dist/2020';
import { STANDALONE_CODE_OPTIONS, standaloneModule } from '../../models/validators/standalone-module';
import { DEFAULT_LIMITS } from '../core/predict-request';
import { REQUEST_AJV_OPTIONS } from './request-ajv-options';
import { feedbackRequestSchema, predictRequestSchema } from './schemas';

export const REQUEST_VALIDATORS_FILE = 'runtime/http/request-validators.generated.ts';

/** The generated request validators' source: `predict` (for the default limits) and `feedback`. */
export function requestValidatorsSource(): string {
  const ajv = new Ajv2020({ ...REQUEST_AJV_OPTIONS, code: STANDALONE_CODE_OPTIONS });
  return standaloneModule(
    ajv,
    { predict: predictRequestSchema(DEFAULT_LIMITS), feedback: feedbackRequestSchema },
    'runtime/http/schemas.ts',
  );
}
