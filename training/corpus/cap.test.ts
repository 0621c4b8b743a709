import type { LabelledRow } from '../dataset';
import { capPerHs6 } from './cap';

const rows: LabelledRow[] = [
  ...Array.from({ length: 30 }, (_, i) => ({ text: `tariff line ${i}`, hs6: '620342', source: 'us-hts' })),
  ...Array.from({ length: 3 }, (_, i) => ({ text: `small line ${i}`, hs6: '010121', source: 'us-hts' })),
  ...Array.from({ length: 30 }, (_, i) => ({ text: `nomenclature ${i}`, hs6: '620342', source: 'hs2022' })),
];
const texts = (list: LabelledRow[]) => list.map((r) => r.text).sort();

describe('capPerHs6', () => {
  it('caps one source per HS6 and leaves the rest alone', () => {
    const { kept, removed } = capPerHs6(rows, 'us-hts', 10, 's');
    expect(kept.filter((r) => r.source === 'us-hts' && r.hs6 === '620342')).toHaveLength(10);
    expect(kept.filter((r) => r.hs6 === '010121')).toHaveLength(3);
    expect(kept.filter((r) => r.source === 'hs2022')).toHaveLength(30);
    expect(removed).toHaveLength(20);
  });

  it('chooses by seed, not by input order', () => {
    const a = capPerHs6(rows, 'us-hts', 10, 's').kept;
    const b = capPerHs6([...rows].reverse(), 'us-hts', 10, 's').kept;
    expect(texts(b)).toEqual(texts(a));
    expect(texts(capPerHs6(rows, 'us-hts', 10, 'another seed').kept)).not.toEqual(texts(a));
  });

  it('refuses a cap that is not a positive whole number', () => {
    expect(() => capPerHs6(rows, 'us-hts', 0, 's')).toThrow(/whole number/);
  });
});
