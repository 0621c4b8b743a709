import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv/dist/2020';
import { DEFAULT_LIMITS, type PredictLimits, type PredictRequest } from '../core/predict-request';
import { REQUEST_AJV_OPTIONS } from './request-ajv-options';
import * as generated from './request-validators.generated';
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

type CompileRequestSchema = <T>(schema: SchemaObject) => ValidateFunction<T>;
let compileAtRuntime: CompileRequestSchema | undefined;

/**
 * Compiles a predict schema for limits other than the defaults the generated validators were made
 * for. ajv's compiler is loaded only then, so that a cold start does not load or run it.
 */
function compileRequestSchema<T>(schema: SchemaObject): ValidateFunction<T> {
  if (!compileAtRuntime) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
    const { default: Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
    const ajv = new Ajv2020(REQUEST_AJV_OPTIONS);
    compileAtRuntime = (s) => ajv.compile(s);
  }
  return compileAtRuntime(schema);
}

// The generated validators, made by ajv from the same schemas (see request-validator-source.ts).
const generatedPredict = generated.predict as unknown as ValidateFunction<PredictRequest>;
const generatedFeedback = generated.feedback as unknown as ValidateFunction<FeedbackRequestBody>;
const compiled = new Map<string, RequestValidators>();

const sameLimits = (a: PredictLimits, b: PredictLimits) =>
  a.maxItems === b.maxItems && a.maxChars === b.maxChars;

/** Validators for these limits, shared by every handler that uses them. */
export function requestValidators(limits: PredictLimits): RequestValidators {
  const cacheKey = `${limits.maxItems}/${limits.maxChars}`;
  let validators = compiled.get(cacheKey);
  if (!validators) {
    const predictSchema = predictRequestSchema(limits);
    validators = {
      predict: check(
        sameLimits(limits, DEFAULT_LIMITS)
          ? generatedPredict
          : compileRequestSchema<PredictRequest>(predictSchema),
      ),
      feedback: check(generatedFeedback),
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
