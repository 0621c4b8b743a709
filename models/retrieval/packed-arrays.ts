import { endianness } from 'node:os';

/**
 * Typed arrays as base64 text inside a JSON document: a stored index parses as a few long
 * strings and decodes at memory speed, where the same numbers as JSON arrays cost a parse of
 * every number and a garbage-collected array of each. Little-endian, as every platform the
 * project deploys to (x64, arm64) is; the bytes are the numbers' exact IEEE 754 bits.
 */
export function encodeArray(values: Int32Array | Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

type ArrayType = Int32ArrayConstructor | Float64ArrayConstructor;

export function decodeArray<T extends ArrayType>(text: unknown, type: T, what: string): InstanceType<T> {
  if (endianness() !== 'LE') {
    throw new Error('the lexical index stores little-endian numbers and this machine is big-endian');
  }
  if (typeof text !== 'string') throw new Error(`the lexical index has no ${what}`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % type.BYTES_PER_ELEMENT !== 0) {
    throw new Error(`the lexical index's ${what} is ${bytes.length} bytes, not whole numbers`);
  }
  // A copy of its own: a typed array needs its buffer aligned, and Node's decoded buffers may share a pool.
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  return new type(aligned.buffer) as InstanceType<T>;
}
