import { readFileSync } from 'node:fs';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { projectFile } from '../../models/paths';
import { nomenclatureTexts, withoutReferences } from './nomenclature-texts';
import { normaliseText } from './normalise';

describe('nomenclatureTexts', () => {
  const hs = loadNomenclature();
  const { rows, stats } = nomenclatureTexts(
    readFileSync(projectFile('data/public/hs2022/harmonized-system.csv')),
  );
  const textsOf = (hs6: string) => rows.filter((r) => r.hs6 === hs6).map((r) => r.text);

  it('gives a fragment its heading', () => {
    const texts = textsOf('010129');
    expect(texts).toContain('Horses; live, other than pure-bred breeding animals');
    expect(texts).toContain(
      'Horses, asses, mules and hinnies; live: Horses; live, other than pure-bred breeding animals',
    );
  });

  it('goes up to the chapter when the heading repeats the subheading, and for very short subheadings', () => {
    expect(textsOf('290260')).toContain('Organic chemicals: Cyclic hydrocarbons; ethylbenzene');
    expect(textsOf('110811')).toEqual(
      expect.arrayContaining([
        'Starch; wheat',
        'Starches; inulin: Starch; wheat',
        'wheat starch',
        `${hs.chapters.get('11')?.description}: Starches; inulin: Starch; wheat`,
      ]),
    );
  });

  it('covers every subheading with 2 to 4 texts and no repeats', () => {
    const perCode = new Map<string, number>();
    for (const row of rows) perCode.set(row.hs6, (perCode.get(row.hs6) ?? 0) + 1);
    expect([...perCode.keys()].sort()).toEqual([...hs.subheadings.keys()].sort());
    const counts = [...perCode.values()];
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
    const keys = rows.map((r) => `${r.hs6} ${normaliseText(r.text)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps a shorter form only when no other subheading shares it', () => {
    const codesByText = new Map<string, Set<string>>();
    for (const row of rows) {
      const key = normaliseText(row.text);
      codesByText.set(key, (codesByText.get(key) ?? new Set()).add(row.hs6));
    }
    const shared = [...codesByText.entries()].filter(([, codes]) => codes.size > 1);
    // Only the nomenclature's own repeated descriptions may be shared.
    const repeatedDescriptions = new Set(
      [...hs.subheadings.values()]
        .map((s) => normaliseText(s.description))
        .filter((d, i, all) => all.indexOf(d) !== i),
    );
    for (const [text] of shared) {
      expect([...repeatedDescriptions].some((d) => text.endsWith(d))).toBe(true);
    }
  });

  it('accounts for every record of the file', () => {
    expect(stats.dropped).toEqual({ 'not-specified': 3, 'total-row': 1 });
    expect(stats.contextRecords).toBe(hs.chapters.size + hs.headings.size);
    expect(stats.usedRecords).toBe(hs.subheadings.size);
    expect(stats.contextRecords + stats.usedRecords + 4).toBe(stats.inputRecords);
    expect(stats.textsEmitted).toBe(rows.length);
  });
});

describe('withoutReferences', () => {
  it('removes parentheses and cross-references, not goods', () => {
    expect(
      withoutReferences('Chassis; fitted with engines, for the motor vehicles of heading no. 8701 to 8705'),
    ).toBe('Chassis; fitted with engines, for the motor vehicles');
    expect(withoutReferences('Nitrile-function compounds; n.e.c. heading no. 2926')).toBe(
      'Nitrile-function compounds',
    );
    expect(withoutReferences('Iron or steel (excluding cast iron); tubes')).toBe('Iron or steel; tubes');
  });
});
