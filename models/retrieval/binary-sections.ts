import { endianness } from 'node:os';

/**
 * A small container for typed arrays: a magic string, a JSON header, then each array's raw
 * little-endian bytes, every section starting on an 8-byte boundary so it can be read as a typed
 * array in place. What the lexical index's format 3 is stored in: loading it is a few views on the
 * file's bytes, where the same numbers as base64 inside JSON cost a UTF-8 decode of the whole
 * file, a JSON parse and a base64 decode of each array.
 *
 *   magic (8 bytes) · header length (uint32 LE) · header (UTF-8 JSON) · zero padding to 8
 *   then per section, in the header's order: its bytes · zero padding to 8
 *
 * The header lists the sections' names, types and byte lengths; a reader checks that they add up
 * to the file's length exactly, so a truncated or extended file is refused rather than misread.
 * Padding is always zeros, so the same arrays always give the same bytes (and sha256).
 */
export type SectionType = 'utf8' | 'int32' | 'float64';

export interface SectionSpec {
  name: string;
  type: SectionType;
  bytes: number;
}

export type SectionValue = Uint8Array | Int32Array | Float64Array;

const ALIGN = 8;
const padded = (length: number) => Math.ceil(length / ALIGN) * ALIGN;

const TYPE_OF = (value: SectionValue): SectionType =>
  value instanceof Int32Array ? 'int32' : value instanceof Float64Array ? 'float64' : 'utf8';

function assertLittleEndian(): void {
  if (endianness() !== 'LE') {
    throw new Error('the lexical index stores little-endian numbers and this machine is big-endian');
  }
}

/** Writes `header` (any JSON) and the sections, in the order given, as one buffer. */
export function encodeSections(
  magic: string,
  header: object,
  sections: ReadonlyArray<[string, SectionValue]>,
): Uint8Array {
  assertLittleEndian();
  const specs: SectionSpec[] = sections.map(([name, value]) => ({
    name,
    type: TYPE_OF(value),
    bytes: value.byteLength,
  }));
  const headerBytes = Buffer.from(JSON.stringify({ ...header, sections: specs }), 'utf8');
  const magicBytes = Buffer.from(magic, 'latin1');
  const start = padded(magicBytes.length + 4 + headerBytes.length);
  const total = specs.reduce((at, spec) => at + padded(spec.bytes), start);
  const out = new Uint8Array(total);
  out.set(magicBytes, 0);
  new DataView(out.buffer).setUint32(magicBytes.length, headerBytes.length, true);
  out.set(headerBytes, magicBytes.length + 4);
  let at = start;
  for (const [, value] of sections) {
    out.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), at);
    at += padded(value.byteLength);
  }
  return out;
}

export function hasMagic(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

export interface DecodedSections {
  header: Record<string, unknown>;
  /** Views on the bytes (on one aligned copy when the bytes given were not 8-byte aligned). */
  sections: Map<string, SectionValue>;
}

/** Reads what `encodeSections` wrote; throws saying what does not fit. */
export function decodeSections(bytes: Uint8Array, magic: string, what: string): DecodedSections {
  assertLittleEndian();
  if (!hasMagic(bytes, magic)) throw new Error(`${what} does not start with "${magic}"`);
  // Typed arrays need their offset aligned to their element size; a store's buffer may not be.
  // A copy, not `slice()`: on a Node Buffer that is a view at the same offset.
  const data = bytes.byteOffset % ALIGN === 0 ? bytes : new Uint8Array(bytes);
  if (data.length < magic.length + 4) throw new Error(`${what} ends inside its header`);
  const headerLength = new DataView(data.buffer, data.byteOffset).getUint32(magic.length, true);
  const headerEnd = magic.length + 4 + headerLength;
  if (headerEnd > data.length) throw new Error(`${what} ends inside its header`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      Buffer.from(data.buffer, data.byteOffset + magic.length + 4, headerLength).toString('utf8'),
    );
  } catch {
    throw new Error(`${what} has a header that is not JSON`);
  }
  if (header === null || typeof header !== 'object')
    throw new Error(`${what} has a header that is not an object`);
  const specs = header.sections;
  if (!Array.isArray(specs)) throw new Error(`${what} lists no sections`);
  const sections = new Map<string, SectionValue>();
  let at = padded(headerEnd);
  for (const spec of specs as SectionSpec[]) {
    const size = spec.type === 'utf8' ? 1 : spec.type === 'int32' ? 4 : spec.type === 'float64' ? 8 : 0;
    if (size === 0 || !Number.isInteger(spec.bytes) || spec.bytes < 0 || spec.bytes % size !== 0) {
      throw new Error(
        `${what}: section "${String(spec.name)}" is not a whole number of ${String(spec.type)} values`,
      );
    }
    if (at + spec.bytes > data.length) throw new Error(`${what} ends inside section "${spec.name}"`);
    if (sections.has(spec.name)) throw new Error(`${what} has two sections named "${spec.name}"`);
    const offset = data.byteOffset + at;
    const count = spec.bytes / size;
    sections.set(
      spec.name,
      spec.type === 'int32'
        ? new Int32Array(data.buffer, offset, count)
        : spec.type === 'float64'
          ? new Float64Array(data.buffer, offset, count)
          : new Uint8Array(data.buffer, offset, count),
    );
    at += padded(spec.bytes);
  }
  if (at !== data.length) {
    throw new Error(`${what} is ${data.length} bytes, its sections account for ${at}`);
  }
  return { header, sections };
}
