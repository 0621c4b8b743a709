/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does) and no whitespace, so equal
 * values always give equal bytes and so equal hashes. Written out by hand because JSON.stringify
 * puts integer-like keys ("2", "10") first whatever order they were inserted in.
 *
 * Only values that survive a JSON round trip unchanged are accepted: a NaN silently becoming null,
 * or a Date becoming a string, would make a re-parsed entry hash differently from the one written.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

export class NotJsonError extends Error {
  constructor(path: string, what: string) {
    super(`${path} is ${what}, which JSON cannot represent exactly`);
    this.name = 'NotJsonError';
  }
}

/** An object literal's prototype is Object.prototype, of whichever realm made it (structuredClone's may differ). */
function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(path, String(value));
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      if (!isPlainObject(value))
        throw new NotJsonError(path, `an instance of ${value.constructor?.name ?? 'a class'}`);
      const keys = Object.keys(value)
        .filter((key) => value[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${write(value[key], `${path}.${key}`)}`).join(',')}}`;
    }
    default:
      throw new NotJsonError(path, typeof value);
  }
}

/**
 * A copy of `value` with every NaN and ±Infinity replaced by null, for records whose statistics
 * may be undefined (an arm without feedback): what JSON can represent, and what a reader of the
 * record takes as "no value" rather than as a number.
 */
export function withNullForNonFinite<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withNullForNonFinite(item)) as T;
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(Object.getPrototypeOf(value) ?? Object) === null
  ) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        withNullForNonFinite(item),
      ]),
    ) as T;
  }
  return value;
}
