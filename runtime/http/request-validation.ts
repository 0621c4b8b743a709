import Ajv2020, { type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv/dist/2020';
import type { PredictLimits, PredictRequest } from '../core/predict-request';
import { feedbackRequestSchema, PATTERN_RULES, predictRequestSchema } from './schemas';

/** `POST /v1/feedback`'s body: the code comes as "hs6" or, for people who call it that, "code". */
export interface FeedbackRequestBody {
  predictionId: string;
  hs6?: string;
  code?: string;
  note?: string;
}

export interface ValidationProblem {
  message: string;
  field?: string;
}

export type BodyCheck<T> = { ok: true; value: T } | { ok: false; problem: ValidationProblem };

export interface RequestSchemas {
  predict: SchemaObject;
  feedback: SchemaObject;
}

export interface RequestValidators {
  predict(body: unknown): BodyCheck<PredictRequest>;
  feedback(body: unknown): BodyCheck<FeedbackRequestBody>;
  /** The schema objects compiled above, for the OpenAPI document. */
  schemas: RequestSchemas;
}

// Strict, except that "exactly one of hs6 or code" needs `required` in oneOf branches that do not
// redeclare the properties. Validation stops at the first error, so a hostile body costs little;
// verbose keeps the schema beside each error for the names an unknown field could have been.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false, verbose: true });
const compiled = new Map<string, RequestValidators>();
const feedbackValidator = ajv.compile<FeedbackRequestBody>(feedbackRequestSchema);

/** Validators for these limits, compiled on first use and shared by every handler that uses them. */
export function requestValidators(limits: PredictLimits): RequestValidators {
  const cacheKey = `${limits.maxItems}/${limits.maxChars}`;
  let validators = compiled.get(cacheKey);
  if (!validators) {
    const predictSchema = predictRequestSchema(limits);
    validators = {
      predict: check(ajv.compile<PredictRequest>(predictSchema)),
      feedback: check(feedbackValidator),
      schemas: { predict: predictSchema, feedback: feedbackRequestSchema },
    };
    compiled.set(cacheKey, validators);
  }
  return validators;
}

const check =
  <T>(validate: ValidateFunction<T>) =>
  (body: unknown): BodyCheck<T> =>
    validate(body) ? { ok: true, value: body } : { ok: false, problem: describeFirstError(validate.errors) };

const MAX_ECHOED_NAME = 64;
const echo = (name: string) =>
  name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME - 1)}…` : name;

/** "/descriptions/3" → "descriptions[3]"; names are JSON Pointer segments, possibly escaped. */
function fieldOf(instancePath: string, child?: string): string {
  const segments = instancePath === '' ? [] : instancePath.slice(1).split('/');
  if (child !== undefined) segments.push(child);
  return segments
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, segment) =>
        /^\d+$/.test(segment)
          ? `${path}[${segment}]`
          : path === ''
            ? echo(segment)
            : `${path}.${echo(segment)}`,
      '',
    );
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The rule an error breaks, in words that follow the field's name. */
function rule(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      return `must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`;
    }
    case 'minItems':
      return `must have at least ${plural(Number(params.limit), 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(Number(params.limit), 'item')}: split the request`;
    case 'minLength':
      return Number(params.limit) === 1
        ? 'must not be empty'
        : `must be at least ${plural(Number(params.limit), 'character')}`;
    case 'maxLength':
      return `must be at most ${plural(Number(params.limit), 'character')}`;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'pattern':
      return PATTERN_RULES[String(params.pattern)] ?? 'has the wrong format';
    default:
      return error.message ?? 'is invalid';
  }
}

const insideOneOf = (e: ErrorObject) => e.keyword === 'oneOf' || e.schemaPath.includes('/oneOf/');

/**
 * The first error ajv found, as a sentence that starts with the field it names; "give exactly one
 * of hs6 or code" only when nothing more specific is wrong.
 */
export function describeFirstError(errors: readonly ErrorObject[] | null | undefined): ValidationProblem {
  const error = errors?.find((e) => !insideOneOf(e));
  if (!error) {
    return errors?.length
      ? { message: 'the code must be given in exactly one of "hs6" or "code"', field: 'hs6' }
      : { message: 'the request body is invalid' };
  }
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const field = fieldOf(error.instancePath, String(params.missingProperty));
    return { message: `${field} is required`, field };
  }
  if (error.keyword === 'additionalProperties') {
    const field = fieldOf(error.instancePath, String(params.additionalProperty));
    const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {}).join(', ');
    return { message: `${field} is not a known field (known: ${known})`, field };
  }
  const field = fieldOf(error.instancePath);
  if (field === '')
    return { message: `the request body ${rule(error)}`.replace('an object', 'a JSON object') };
  return { message: `${field} ${rule(error)}`, field };
}
