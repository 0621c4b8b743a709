import type { LabelledRow } from '../dataset';
import { dedupe } from './dedupe';

const row = (text: string, hs6: string, source = 'micro'): LabelledRow => ({ text, hs6, source });

describe('dedupe', () => {
  it('keeps one row per normalised text and code', () => {
    const result = dedupe([
      row('Frozen shrimp', '030617'),
      row('frozen  SHRIMP.', '030617'),
      row('Fresh apples', '080810'),
    ]);
    expect(result.kept.map((r) => r.text).sort()).toEqual(['Fresh apples', 'Frozen shrimp']);
    expect(result.duplicates).toHaveLength(1);
    expect(result.conflictingTexts).toBe(0);
  });

  it('gives a conflicting text its most frequent code, ties to the smallest', () => {
    const result = dedupe([
      row('Parts', '847330'),
      row('parts', '847330'),
      row('Parts', '851779'),
      row('Widget', '960000'),
      row('widget', '392690'),
    ]);
    expect(result.kept.map((r) => [r.text.toLowerCase(), r.hs6]).sort()).toEqual([
      ['parts', '847330'],
      ['widget', '392690'],
    ]);
    expect(result.conflictingTexts).toBe(2);
    expect(result.outvoted.map((r) => r.hs6).sort()).toEqual(['851779', '960000']);
    expect(result.duplicates).toHaveLength(1);
  });

  it('does not depend on the input order, and prefers the nomenclature wording', () => {
    const rows = [
      row('horses; live.', '010121', 'us-hts'),
      row('Horses; live', '010121', 'hs2022'),
      row('HORSES;  LIVE', '010121'),
    ];
    const a = dedupe(rows).kept;
    const b = dedupe([...rows].reverse()).kept;
    expect(a).toEqual(b);
    expect(a).toEqual([{ text: 'Horses; live', hs6: '010121', source: 'hs2022' }]);
  });
});
