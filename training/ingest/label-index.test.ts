import { fingerprint64, fingerprintOfKey } from './fingerprint';
import { LabelIndex } from './label-index';
import { dedupeKey } from './text';

describe('LabelIndex', () => {
  it('remembers every label through several resizes', () => {
    const index = new LabelIndex();
    const count = 300_000;
    let added = 0;
    for (let i = 0; i < count; i++) {
      if (index.add(`item ${i}`, '847130', { source: 'a.csv', line: i + 2 }).status === 'new') added++;
    }
    expect(added).toBe(count);
    expect(index.size).toBe(count);
    for (const i of [0, 1, 65_535, 123_456, count - 1]) {
      expect(index.add(`ITEM  ${i}`, '847130', { source: 'b.csv', line: 1 })).toEqual({
        status: 'duplicate',
        first: { source: 'a.csv', line: i + 2, hs6: '847130' },
      });
    }
    expect(index.add('item 7', '010121', { source: 'b.csv', line: 1 })).toEqual({
      status: 'conflict',
      first: { source: 'a.csv', line: 9, hs6: '847130' },
    });
    expect(index.size).toBe(count);
  });

  it('keeps codes with a leading zero intact', () => {
    const index = new LabelIndex();
    index.add('horse', '010121', { source: 'x', line: 3 });
    expect(index.add('horse', '010121', { source: 'y', line: 4 })).toMatchObject({
      first: { hs6: '010121' },
    });
  });

  it('refuses a code that is not six digits', () => {
    expect(() => new LabelIndex().add('horse', '10121', { source: 'x', line: 1 })).toThrow(/not an HS6/);
  });
});

describe('fingerprint64', () => {
  it('gives distinct 64-bit values to near-identical texts', () => {
    const out = new Uint32Array(2);
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      fingerprint64(`cotton t-shirt size ${i}`, out);
      seen.add(`${out[0]}:${out[1]}`);
    }
    expect(seen.size).toBe(100_000);
    fingerprint64('a', out);
    const a = [...out];
    fingerprint64('b', out);
    expect([...out]).not.toEqual(a);
    expect(a[0]).not.toBe(a[1]);
  });
});

describe('fingerprintOfKey', () => {
  it('equals the fingerprint of the dedupe key, on the fast ASCII path and the general one', () => {
    const fast = new Uint32Array(2);
    const general = new Uint32Array(2);
    const texts = [
      'Cotton T-Shirt',
      '  cotton \t\n t-shirt  ',
      'STEEL\u000bBOLTS M8',
      'Café au lait, 500 g',
      'ÉCROUS  en\u00a0acier',
      '螺栓 钢制',
      '',
      '   ',
    ];
    for (const text of texts) {
      fingerprintOfKey(text, fast);
      fingerprint64(dedupeKey(text), general);
      expect([text, ...fast]).toEqual([text, ...general]);
    }
  });

  it('treats texts that differ only by case and spacing as one', () => {
    const a = new Uint32Array(2);
    const b = new Uint32Array(2);
    fingerprintOfKey('Écrous en acier', a);
    fingerprintOfKey(' écrous\u00a0 EN acier ', b);
    expect([...b]).toEqual([...a]);
    fingerprintOfKey('écrous en aciers', b);
    expect([...b]).not.toEqual([...a]);
  });
});
