/**
 * Errors the core raises on purpose, each with a stable machine-readable `code` and a sentence for
 * a human. The HTTP layer maps RequestValidationError to 400 and ModelUnavailableError to 503.
 */

/** The caller sent something the service cannot accept; `field` names where (e.g. "descriptions[3]"). */
export class RequestValidationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RequestValidationError';
  }
}

/** The request names something that does not exist (a prediction id nobody issued): a 404. */
export class NotFoundError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** No model can answer: the champion never loaded and there is no last good one to fall back on. */
export class ModelUnavailableError extends Error {
  readonly code = 'model_unavailable';

  constructor(message: string) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

/** The artifact is missing from the store or breaks the ONNX/label contract; it is never served. */
export class ModelLoadError extends Error {
  constructor(
    readonly model: string,
    message: string,
  ) {
    super(`${model}: ${message}`);
    this.name = 'ModelLoadError';
  }
}

/** The sentence of anything thrown: an Error's message, or the value itself as text. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
