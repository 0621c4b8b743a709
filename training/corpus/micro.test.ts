import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { projectFile } from '../../models/paths';
import { createHs2022Resolver } from './hs2022-resolver';
import { microCode, microTexts } from './micro';
import { stripBoilerplate } from './micro-boilerplate';
import { normaliseText } from './normalise';

const hs = loadNomenclature();
const resolve = createHs2022Resolver(hs.subheadings.keys());
const MICRO = 'data/public/hsclassify-micro/training_data_indexed.csv';

describe('stripBoilerplate', () => {
  it.each([
    [
      'Cadmium; other than waste and scrap, for bulk procurement program, shipping term CIF.',
      'Cadmium; other than waste and scrap',
    ],
    ['Smartphones, for cross-border shipment, for 20ft container loading.', 'Smartphones'],
    ['Bananas, fresh or dried, meeting international standards', 'Bananas, fresh or dried'],
    ['Other cheese - standard quality, bulk shipment', 'Other cheese'],
    ['Export grade other cheese, certified', 'other cheese'],
    [
      'Trade declaration: static converters, new, for export under standard commercial terms, shipping term FOB.',
      'static converters',
    ],
    ['Shipment of optical fibres and bundles, FOB terms', 'optical fibres and bundles'],
    ['Imported insecticides, customs declaration', 'insecticides'],
    ['กุ้งแช่แข็ง แกะหัว ติดเปลือก, for bonded warehouse delivery, packed in cartons.', 'กุ้งแช่แข็ง แกะหัว ติดเปลือก'],
  ])('%j → %j', (text, goods) => expect(stripBoilerplate(text)).toEqual({ text: goods, stripped: true }));

  it('leaves commercial phrases alone, even when they start like a template', () => {
    for (const phrase of [
      'Refurbished portable computer, 14 inch',
      'Imported parts for filtering machinery',
      'Red Delicious apples, fresh, for export',
    ]) {
      expect(stripBoilerplate(phrase)).toEqual({ text: phrase, stripped: false });
    }
  });
});

describe('microCode', () => {
  it('restores a lost leading zero only when the row says which chapter it is', () => {
    expect(microCode({ hs_code: '80810', hs_chapter: 'HS 08' })).toEqual({ hs6: '080810', restored: true });
    expect(microCode({ hs_code: '80810', hs_chapter: 'HS 80' })).toBeUndefined();
    expect(microCode({ hs_code: '080810', hs_chapter: 'HS 08' })).toEqual({ hs6: '080810', restored: false });
    expect(microCode({ hs_code: '0808', hs_chapter: 'HS 08' })).toBeUndefined();
  });

  it('finds no lost leading zero in the shipped file: its codes are 6-digit strings', () => {
    const records = parse(readFileSync(projectFile(MICRO)), { columns: true, bom: true }) as Array<{
      hs_code: string;
    }>;
    expect(records.filter((r) => !/^\d{6}$/.test(r.hs_code))).toEqual([]);
    expect(records.some((r) => r.hs_code.startsWith('0'))).toBe(true);
  });
});

describe('microTexts on the shipped file', () => {
  const csv = readFileSync(projectFile(MICRO));
  const nomenclatureText = new Map([
    [normaliseText('Cadmium; other than waste and scrap'), new Set(['811269'])],
  ]);
  const { rows, stats } = microTexts(csv, resolve, nomenclatureText);
  const records = parse(csv, { columns: true, bom: true }) as Array<{ text: string; hs_code: string }>;

  it('drops and counts the rows whose code is not HS 2022', () => {
    const foreign = records.filter((r) => !hs.isSubheading(r.hs_code)).length;
    expect(foreign).toBeGreaterThan(0);
    expect((stats.dropped['not-hs2022'] ?? 0) + (stats.dropped['outside-hs-chapters'] ?? 0)).toBe(foreign);
    expect(rows.every((r) => hs.isSubheading(r.hs6))).toBe(true);
  });

  it('drops a row that only repeats a nomenclature text with the same code', () => {
    const cadmium = records.filter(
      (r) => stripBoilerplate(r.text).text === 'Cadmium; other than waste and scrap',
    );
    expect(cadmium.length).toBeGreaterThan(1);
    expect(rows.some((r) => r.text === 'Cadmium; other than waste and scrap')).toBe(false);
    expect(stats.dropped['repeats-nomenclature']).toBe(cadmium.length);
  });

  it('keeps every commercial phrase, in every language, without boilerplate', () => {
    const texts = new Set(rows.map((r) => r.text));
    expect(texts.has('Refurbished portable computer, 14 inch')).toBe(true);
    expect(texts.has('OnePlus 12 mobile phone, 5G capable')).toBe(false); // 851712 is HS 2017
    for (const script of [
      /\p{Script=Thai}/u,
      /\p{Script=Han}/u,
      /[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]/u,
    ]) {
      expect(rows.some((r) => script.test(r.text))).toBe(true);
    }
    expect(
      rows.filter((r) => /shipping term|container loading|packed in cartons|, certified$/i.test(r.text)),
    ).toEqual([]);
  });

  it('accounts for every record', () => {
    const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
    expect(stats.usedRecords + dropped).toBe(stats.inputRecords);
    expect(stats.inputRecords).toBe(records.length);
    expect(stats.textsEmitted).toBe(rows.length);
  });
});
