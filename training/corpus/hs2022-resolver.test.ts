import { loadNomenclature } from '../../models/hs/nomenclature';
import { createHs2022Resolver } from './hs2022-resolver';

describe('createHs2022Resolver', () => {
  const hs = loadNomenclature();
  const resolve = createHs2022Resolver(hs.subheadings.keys());

  it('keeps HS 2022 subheadings as they are', () => {
    expect(resolve('851713')).toEqual({ kind: 'kept', hs6: '851713' });
    expect(resolve('010121')).toEqual({ kind: 'kept', hs6: '010121' });
  });

  it('drops HS 2017 subheadings that HS 2022 split, since the code alone cannot choose', () => {
    for (const hs2017 of ['851712', '852580', '440710', '870120']) {
      expect(hs.isSubheading(hs2017)).toBe(false);
      expect(resolve(hs2017)).toEqual({ kind: 'dropped', reason: 'not-hs2022' });
    }
  });

  it('drops US chapters 98/99 and the "not specified" code', () => {
    expect(resolve('980100')).toEqual({ kind: 'dropped', reason: 'outside-hs-chapters' });
    expect(resolve('990301')).toEqual({ kind: 'dropped', reason: 'outside-hs-chapters' });
    expect(resolve('999999')).toEqual({ kind: 'dropped', reason: 'outside-hs-chapters' });
  });

  it('remaps only into a heading that has a single subheading', () => {
    const single = [...hs.headings.keys()].find(
      (h) => [...hs.subheadings.keys()].filter((s) => s.startsWith(h)).length === 1,
    );
    expect(single).toBeDefined();
    const only = [...hs.subheadings.keys()].find((s) => s.startsWith(single ?? '-'));
    const unknown = `${single}19`;
    expect(hs.isSubheading(unknown)).toBe(false);
    expect(resolve(unknown)).toEqual({ kind: 'remapped', hs6: only, reason: 'single-subheading-heading' });
  });
});
