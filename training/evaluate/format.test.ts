import { formatEvaluationTable } from './format';
import type { HeadlineScores } from './score-rows';

const model: HeadlineScores = {
  n: 100,
  top1: { hs2: 0.9, hs4: 0.8, hs6: 0.7 },
  top3: { hs2: 0.95, hs4: 0.9, hs6: 0.85 },
  top5: { hs2: 0.97, hs4: 0.93, hs6: 0.9 },
  macro_f1: 0.61,
  ece: 0.04,
};
const baseline: HeadlineScores = {
  n: 100,
  top1: { hs2: 0.5, hs4: 0.35, hs6: 0.2 },
  top3: { hs2: 0.65, hs4: 0.5, hs6: 0.3 },
  top5: { hs2: 0.78, hs4: 0.52, hs6: 0.33 },
  macro_f1: 0.28,
  ece: 0.1,
};

const rowOf = (table: string, label: string): string[] =>
  (table.split('\n').find((line) => line.includes(label)) ?? '')
    .split('│')
    .map((cell) => cell.trim())
    .filter(Boolean);

describe('formatEvaluationTable', () => {
  const table = formatEvaluationTable(model, baseline);

  it('has one row per level and depth, then macro-F1 and ECE', () => {
    expect(rowOf(table, 'top-1 subheading (HS6)')).toEqual([
      'top-1 subheading (HS6)',
      '70.0%',
      '20.0%',
      '+50.0',
    ]);
    expect(rowOf(table, 'top-5 chapter (HS2)')).toEqual(['top-5 chapter (HS2)', '97.0%', '78.0%', '+19.0']);
    expect(rowOf(table, 'macro-F1')).toEqual(['macro-F1 (HS6)', '61.0%', '28.0%', '+33.0']);
    expect(rowOf(table, 'ECE')).toEqual(['ECE (lower is better)', '4.0%', '10.0%', '-6.0']);
    expect(table.split('\n').filter((line) => line.includes('top-')).length).toBe(9);
  });

  it('has no colour codes', () => {
    expect(table).not.toContain('\u001b[');
  });

  it('shows only the model column without a baseline', () => {
    const alone = formatEvaluationTable(model);
    expect(alone).not.toContain('BM25');
    expect(rowOf(alone, 'top-3 heading (HS4)')).toEqual(['top-3 heading (HS4)', '90.0%']);
  });
});
