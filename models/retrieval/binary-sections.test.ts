import { decodeSections, encodeSections } from './binary-sections';

const MAGIC = 'testSECT';
const encode = () =>
  encodeSections(MAGIC, { kind: 'example' }, [
    ['words', Buffer.from('héllo\nwörld', 'utf8')],
    ['counts', Int32Array.from([1, -2, 3])],
    ['norms', Float64Array.from([0.1, Math.PI])],
  ]);

describe('binary sections', () => {
  it('gives back the header and every array, each on an 8-byte boundary', () => {
    const bytes = encode();
    expect(bytes.length % 8).toBe(0);
    const { header, sections } = decodeSections(bytes, MAGIC, 'the file');
    expect(header.kind).toBe('example');
    expect(Buffer.from(sections.get('words') as Uint8Array).toString('utf8')).toBe('héllo\nwörld');
    expect([...(sections.get('counts') as Int32Array)]).toEqual([1, -2, 3]);
    expect([...(sections.get('norms') as Float64Array)]).toEqual([0.1, Math.PI]);
    for (const value of sections.values()) expect(value.byteOffset % 8).toBe(0);
  });

  it('writes the same bytes for the same arrays (zero padding, fixed order)', () => {
    expect(Buffer.from(encode()).equals(Buffer.from(encode()))).toBe(true);
  });

  it('refuses another magic, a header past the end, a header that is not JSON, two sections of one name', () => {
    const bytes = encode();
    expect(() => decodeSections(bytes, 'otherMAG', 'the file')).toThrow(/does not start with "otherMAG"/);
    const long = Uint8Array.from(bytes);
    new DataView(long.buffer).setUint32(MAGIC.length, 0x7fffffff, true);
    expect(() => decodeSections(long, MAGIC, 'the file')).toThrow(/ends inside its header/);
    expect(() => decodeSections(bytes.subarray(0, 10), MAGIC, 'the file')).toThrow(/ends inside its header/);
    const garbled = Uint8Array.from(bytes);
    garbled[MAGIC.length + 4] = 0x21;
    expect(() => decodeSections(garbled, MAGIC, 'the file')).toThrow(/header that is not JSON/);
    const twice = encodeSections(MAGIC, {}, [
      ['a', Int32Array.from([1])],
      ['a', Int32Array.from([2])],
    ]);
    expect(() => decodeSections(twice, MAGIC, 'the file')).toThrow(/two sections named "a"/);
  });

  it('refuses a section length that is not whole values, or that runs past the end', () => {
    const bytes = encode();
    const headerLength = new DataView(bytes.buffer).getUint32(MAGIC.length, true);
    const rewrite = (from: string, to: string) => {
      const text = Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8');
      const changed = Buffer.from(text.replace(from, to), 'utf8');
      expect(changed.length).toBe(headerLength);
      const copy = Uint8Array.from(bytes);
      copy.set(changed, 12);
      return copy;
    };
    expect(() => decodeSections(rewrite('"bytes":12', '"bytes":13'), MAGIC, 'the file')).toThrow(
      /"counts" is not a whole number of int32 values/,
    );
    expect(() => decodeSections(rewrite('"bytes":16', '"bytes":96'), MAGIC, 'the file')).toThrow(
      /ends inside section "norms"/,
    );
  });
});
