import type { LabelledRow } from './dataset';
import { stratifiedSplit, upsampleMinorityClasses } from './split';

function rowsFor(hs6: string, count: number): LabelledRow[] {
  return Array.from({ length: count }, (_, i) => ({ text: `${hs6} item ${i}`, hs6 }));
}

describe('stratifiedSplit', () => {
  const rows = [...rowsFor('610910', 100), ...rowsFor('847130', 40), ...rowsFor('010121', 1)];

  it('holds out about the fraction of every class and never a singleton', () => {
    const { train, validation } = stratifiedSplit(rows, 0.1, 7);
    const held = (hs6: string) => validation.filter((r) => r.hs6 === hs6).length;
    expect(held('610910')).toBeGreaterThanOrEqual(10);
    expect(held('610910')).toBeLessThanOrEqual(11);
    expect(held('847130')).toBeGreaterThanOrEqual(4);
    expect(held('847130')).toBeLessThanOrEqual(5);
    expect(held('010121')).toBe(0);
    expect(train.length + validation.length).toBe(rows.length);
  });

  it('is a function of the seed, not of the input order', () => {
    const a = stratifiedSplit(rows, 0.1, 7);
    const b = stratifiedSplit([...rows].reverse(), 0.1, 7);
    expect(b.validation.map((r) => r.text).sort()).toEqual(a.validation.map((r) => r.text).sort());
    const c = stratifiedSplit(rows, 0.1, 8);
    expect(c.validation.map((r) => r.text).sort()).not.toEqual(a.validation.map((r) => r.text).sort());
  });

  it('keeps existing rows on their side when new rows arrive', () => {
    const before = stratifiedSplit(rows, 0.2, 3);
    const after = stratifiedSplit([...rows, ...rowsFor('999990', 5)], 0.2, 3);
    const heldBefore = new Set(before.validation.map((r) => r.text));
    const heldAfter = new Set(after.validation.map((r) => r.text));
    for (const text of heldBefore) expect(heldAfter.has(text)).toBe(true);
  });
});

describe('upsampleMinorityClasses', () => {
  it('raises every class to the minimum, reproducibly, without touching larger ones', () => {
    const rows = [...rowsFor('610910', 10), ...rowsFor('010121', 2)];
    const out = upsampleMinorityClasses(rows, 5, 1);
    expect(out.filter((r) => r.hs6 === '610910')).toHaveLength(10);
    expect(out.filter((r) => r.hs6 === '010121')).toHaveLength(5);
    expect(upsampleMinorityClasses(rows, 5, 1)).toEqual(out);
  });
});
