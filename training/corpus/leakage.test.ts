import { readFileSync } from 'node:fs';
import { projectFile } from '../../models/paths';
import { benchmarkKeys, withoutLeakage } from './leakage';

describe('withoutLeakage', () => {
  const benchmark = benchmarkKeys(
    'text,expected_hs_code\nfresh boneless beef,020130\n"Frozen shrimp 500g bag",030617\n',
  );

  it('removes texts equal to a benchmark case up to case, spacing and end punctuation, whatever the code', () => {
    const { kept, removed } = withoutLeakage(
      [
        { text: 'Fresh  Boneless Beef.', hs6: '020130' },
        { text: '"frozen shrimp 500g bag"', hs6: '030616' },
        { text: 'fresh boneless beef cuts for restaurant supply', hs6: '020130' },
      ],
      benchmark,
    );
    expect(removed.map((r) => r.text)).toEqual(['Fresh  Boneless Beef.', '"frozen shrimp 500g bag"']);
    expect(kept.map((r) => r.text)).toEqual(['fresh boneless beef cuts for restaurant supply']);
  });

  it('also removes commercial phrases that contain a case, but not official texts that do', () => {
    const { kept, removed } = withoutLeakage(
      [
        { text: 'Fresh boneless beef cuts for restaurant supply', hs6: '020130', source: 'micro' },
        { text: 'Fresh boneless beef: chilled', hs6: '020130', source: 'us-hts' },
        { text: 'Refreshed boneless beefsteak', hs6: '020130', source: 'micro' },
      ],
      benchmark,
    );
    expect(removed.map((r) => r.text)).toEqual(['Fresh boneless beef cuts for restaurant supply']);
    expect(kept).toHaveLength(2);
  });

  it('reads all 78 cases of the shipped development set', () => {
    const keys = benchmarkKeys(readFileSync(projectFile('data/public/hsclassify-micro/benchmark_cases.csv')));
    expect(keys.size).toBe(78);
    expect(keys.has('fresh boneless beef')).toBe(true);
  });
});
