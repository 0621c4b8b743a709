import { readFileSync } from 'node:fs';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { projectFile } from '../../models/paths';
import { createHs2022Resolver } from './hs2022-resolver';
import type { PartStats } from './stats';
import { usHtsTexts, type HtsLineTexts } from './us-hts';

const hs = loadNomenclature();
const resolve = createHs2022Resolver(hs.subheadings.keys());

const balance = (stats: PartStats): number =>
  stats.contextRecords + stats.usedRecords + Object.values(stats.dropped).reduce((a, b) => a + b, 0);

function csvOf(rows: Array<[string, number, string]>): string {
  const header = '\uFEFFHTS Number,Indent,Description,Unit of Quantity,General Rate of Duty';
  return (
    [header, ...rows.map(([n, i, d]) => `"${n}","${i}","${d.replace(/"/g, '""')}","",""`)].join('\n') + '\n'
  );
}

describe('usHtsTexts on generated lines', () => {
  const singleHeading = [...hs.headings.keys()].find(
    (h) => [...hs.subheadings.keys()].filter((s) => s.startsWith(h)).length === 1,
  );
  const csv = csvOf([
    ['0101', 0, 'Live horses, asses, mules and hinnies:'],
    ['', 1, 'Horses:'],
    ['0101.21.00', 2, 'Purebred breeding animals'],
    ['0101.21.00.10', 3, 'Males'],
    ['0101.21.00.20', 3, 'Females (con.)'],
    ['0101.29.00', 2, 'Other:'],
    [
      '0101.29.00.10',
      3,
      'Described in additional U.S. note 3 to this chapter and entered pursuant to its provisions',
    ],
    ['0101.29.00.90', 3, 'Other'],
    ['0102', 0, 'Live bovine animals:'],
    ['', 1, 'Cattle:'],
    ['0102.21.00', 2, 'Purebred breeding animals:'],
    ['0102.21.00.10', 3, 'Males'],
    ['8517.12.00', 0, 'Telephones for cellular networks (<i>HS 2017</i>)'],
    [`${singleHeading}.19.00`, 0, 'A code its heading no longer subdivides'],
    ['9801.00.10', 0, 'Products of the United States when returned'],
  ]);
  const { lines, rows, stats } = usHtsTexts(csv, resolve);
  const line = (n: string): HtsLineTexts | undefined => lines.find((l) => l.htsNumber === n);

  it('joins every leaf with its ancestors by indent, group headers included', () => {
    expect(line('0101210010')).toEqual({
      htsNumber: '0101210010',
      hs6: '010121',
      full: 'Live horses, asses, mules and hinnies: Horses: Purebred breeding animals: Males',
      short: 'Purebred breeding animals: Males',
    });
    expect(line('0101210020')?.full).toMatch(/: Females$/);
  });

  it('makes a line that is only "Other" or a quota condition speak through its ancestors', () => {
    expect(line('0101290090')).toMatchObject({
      full: 'Live horses, asses, mules and hinnies: Horses: Other',
      short: 'Horses: Other',
    });
    expect(line('0101290010')?.full).toBe('Live horses, asses, mules and hinnies: Horses: Other');
  });

  it('uses leaves only: a line with lines under it is their context', () => {
    expect(line('01012100')).toBeUndefined();
    expect(stats.contextRecords).toBe(7);
  });

  it('drops and counts HS 2017 and US-only codes, remaps the unambiguous one', () => {
    expect(line('8517120000') ?? line('85171200')).toBeUndefined();
    expect(stats.dropped).toEqual({ 'not-hs2022': 1, 'outside-hs-chapters': 1 });
    expect(stats.remapped).toEqual({ 'single-subheading-heading': 1 });
    expect(lines.find((l) => l.htsNumber.startsWith(`${singleHeading}19`))?.hs6).toBe(`${singleHeading}00`);
    expect(balance(stats)).toBe(stats.inputRecords);
  });

  it('emits a short form only when it differs from the full text and names one HS6', () => {
    const texts = (hs6: string) => rows.filter((r) => r.hs6 === hs6).map((r) => r.text);
    expect(texts('010129')).toContain('Horses: Other');
    // "Purebred breeding animals: Males" would fit horses and cattle alike.
    expect(rows.map((r) => r.text)).not.toContain('Purebred breeding animals: Males');
    expect(texts('010221')).toEqual(['Live bovine animals: Cattle: Purebred breeding animals: Males']);
    expect(stats.notes['short-form-ambiguous']).toBe(2);
    expect(stats.textsEmitted).toBe(rows.length);
  });
});

describe('usHtsTexts on the shipped tariff', () => {
  const { lines, rows, stats } = usHtsTexts(
    readFileSync(projectFile('data/public/us-hts/htsdata.csv')),
    resolve,
  );

  it('rebuilds 0101.21.00.10 from its ancestors', () => {
    const males = lines.find((l) => l.htsNumber === '0101210010');
    expect(males?.hs6).toBe('010121');
    expect(males?.full).toMatch(/horses/i);
    expect(males?.full).toMatch(/breeding/i);
    expect(males?.full).toMatch(/males/i);
  });

  it('leaves no markup, colon endings or textile category numbers in the texts', () => {
    const noisy = rows.filter(
      (r) => /<\/?[a-z][^>]*>|\(con\.\)|:$|\(\d{3}\)$/i.test(r.text) || r.text.length > 1000,
    );
    expect(noisy.map((r) => r.text)).toEqual([]);
  });

  it('labels with HS 2022 subheadings only and accounts for every record', () => {
    expect(rows.every((r) => hs.isSubheading(r.hs6))).toBe(true);
    expect(balance(stats)).toBe(stats.inputRecords);
    expect(stats.dropped['outside-hs-chapters']).toBeGreaterThan(0);
  });
});
