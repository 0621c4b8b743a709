import { toHs6 } from './code';
import { loadNomenclature } from './nomenclature';

describe('HS 2022 nomenclature', () => {
  const hs = loadNomenclature();

  it('has the published counts once the "not specified" codes are dropped', () => {
    expect(hs.chapters.size).toBe(96);
    expect(hs.headings.size).toBe(1228);
    expect(hs.subheadings.size).toBe(5612);
    expect(hs.sections.size).toBe(21);
  });

  it('resolves the hierarchy of a subheading', () => {
    const h = hs.hierarchy('610910');
    expect(h.chapter?.code).toBe('61');
    expect(h.heading?.code).toBe('6109');
    expect(h.subheading?.description).toMatch(/cotton/i);
    expect(hs.isSubheading('999999')).toBe(false);
  });
});

describe('toHs6', () => {
  it.each([
    ['6109.10.00.12', '610910'],
    ['6109 10', '610910'],
    ['610910', '610910'],
    ['6109-10-0000', '610910'],
  ])('normalises %s', (raw, hs6) => expect(toHs6(raw)).toBe(hs6));

  it.each(['6109', '61091000001', 'abcdef', ''])('rejects %s', (raw) => expect(toHs6(raw)).toBeUndefined());
});
