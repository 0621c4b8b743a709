import { engineProxy } from './engine-proxy';

/**
 * During a preview the engine hands policies props whose not-yet-computed values throw
 * `UnknownValueError` when read. A rule reads through `known` and skips the one check whose
 * value is unknown, instead of failing the whole policy or reporting a violation it cannot prove.
 */
export const UNKNOWN: unique symbol = Symbol('unknown during preview');
export type Unknown = typeof UNKNOWN;

export function known<T>(read: () => T): T | Unknown {
  try {
    return read();
  } catch (error) {
    if (error instanceof engineProxy.UnknownValueError) return UNKNOWN;
    throw error;
  }
}

/** A string value, UNKNOWN, or undefined when absent or not a string. */
export function knownString(read: () => unknown): string | Unknown | undefined {
  const value = known(read);
  return value === UNKNOWN || typeof value === 'string' ? value : undefined;
}

/** The own keys of an object value (reading keys never touches an unknown value). */
export function keysOf(value: unknown): string[] {
  return value !== null && typeof value === 'object' ? Object.keys(value) : [];
}

/** The value at a path of nested props: undefined where a step is missing, UNKNOWN where unknown. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  return known(() =>
    path.reduce<unknown>(
      (v, key) =>
        v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[key] : undefined,
      value,
    ),
  );
}

/** Whether a value passes a test, counting a value not known yet as passing: nothing is proven of it. */
export const passes = (value: unknown, test: (value: unknown) => boolean): boolean =>
  value === UNKNOWN || test(value);

/** The indices of an array value, read without touching its (possibly unknown) elements. */
export const indices = (value: unknown): number[] =>
  Array.isArray(value) ? [...Array(value.length).keys()] : [];

/** A JSON document given as text or as an object; undefined for text that is not JSON (the provider rejects it). */
export function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
