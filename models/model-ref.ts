/**
 * How a model is identified everywhere: by its variant and its content-addressed version. The key,
 * the equality and the bare copy are defined here only, so changing what identifies a model is
 * one edit.
 */
export interface ModelRef {
  variant: string;
  version: string;
}

/** `<variant>/<version>`: the name logs, maps and messages use for a model. */
export const modelRefKey = (ref: ModelRef): string => `${ref.variant}/${ref.version}`;

export const sameModel = (a: ModelRef, b: ModelRef): boolean =>
  a.variant === b.variant && a.version === b.version;

/** Just the reference, without whatever else the object carries (weights, roles). */
export const bareModelRef = (ref: ModelRef): ModelRef => ({ variant: ref.variant, version: ref.version });

/** Whether a parsed JSON value (a state, a history entry) holds a model reference. */
export const isModelRef = (value: unknown): value is ModelRef =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ModelRef).variant === 'string' &&
  typeof (value as ModelRef).version === 'string';
