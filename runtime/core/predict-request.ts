import { MAX_TOP_K } from './classifier';
import { RequestValidationError } from './errors';

/** The public request (`POST /v1/predict`'s body). */
export interface PredictRequest {
  descriptions: string[];
  /** Candidates per description, 1 to 20 (default 5). */
  topK?: number;
  /** Add the words that drove the top code (costs one extra model row per distinct word). */
  explain?: boolean;
  /** Routes the request: the same key always reaches the same model. Default: each prediction's id. */
  key?: string;
}

export interface PredictLimits {
  /** Descriptions per request. */
  maxItems: number;
  /** Characters (UTF-16 code units) per description. */
  maxChars: number;
}

export interface ValidPredictRequest {
  descriptions: string[];
  topK: number;
  explain: boolean;
  key?: string;
}

export const DEFAULT_LIMITS: PredictLimits = { maxItems: 256, maxChars: 1000 };
export const DEFAULT_TOP_K = 5;
/** Characters of a routing key; the HTTP schema and the core's own check both use this. */
export const MAX_KEY_LENGTH = 256;

/**
 * Checks a request as it arrives from JSON (so nothing about its types is assumed) and throws
 * RequestValidationError with the offending field and a sentence saying what is allowed.
 */
export function validatePredictRequest(input: unknown, limits: PredictLimits): ValidPredictRequest {
  if (typeof input !== 'object' || input === null) {
    throw new RequestValidationError('invalid_request', 'the request must be an object with "descriptions"');
  }
  const { descriptions, topK = DEFAULT_TOP_K, explain = false, key } = input as Record<string, unknown>;
  if (!Array.isArray(descriptions) || descriptions.length === 0) {
    throw new RequestValidationError(
      'invalid_descriptions',
      '"descriptions" must be a non-empty array of product descriptions',
      'descriptions',
    );
  }
  if (descriptions.length > limits.maxItems) {
    throw new RequestValidationError(
      'too_many_descriptions',
      `a request may carry at most ${limits.maxItems} descriptions, this one has ${descriptions.length}: split it`,
      'descriptions',
    );
  }
  descriptions.forEach((text: unknown, i) => {
    const field = `descriptions[${i}]`;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new RequestValidationError('invalid_description', `${field} must be a non-empty string`, field);
    }
    if (text.length > limits.maxChars) {
      throw new RequestValidationError(
        'description_too_long',
        `${field} has ${text.length} characters, the limit is ${limits.maxChars}`,
        field,
      );
    }
  });
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new RequestValidationError(
      'invalid_top_k',
      `"topK" must be an integer from 1 to ${MAX_TOP_K}`,
      'topK',
    );
  }
  if (typeof explain !== 'boolean') {
    throw new RequestValidationError('invalid_explain', '"explain" must be true or false', 'explain');
  }
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH)) {
    throw new RequestValidationError(
      'invalid_key',
      `"key" must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
      'key',
    );
  }
  return { descriptions: descriptions as string[], topK, explain, ...(key === undefined ? {} : { key }) };
}
