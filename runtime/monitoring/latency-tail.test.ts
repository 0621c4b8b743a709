import { mulberry32 } from '../stats/seeded-random';
import { auditWindowOf } from '../../tests/helpers/audit-window-of';
import { LatencyTail, p99Rank, tailPercentile } from './latency-tail';
import { selectRank } from './select-rank';

const sortedP99 = (values: number[]) => [...values].sort((a, b) => a - b)[p99Rank(values.length)];
const tailOf = (values: number[]) => {
  const tail = new LatencyTail();
  for (const value of values) tail.add(value);
  return tail;
};

describe('LatencyTail', () => {
  it('keeps a bounded share of the values, all above what it dropped', () => {
    const random = mulberry32(1);
    const values = Array.from({ length: 100_000 }, () => random() * 10);
    const tail = tailOf(values);
    expect(tail.kept().length).toBeLessThanOrEqual(LatencyTail.capacity(100_000));
    expect(Math.min(...tail.kept())).toBeGreaterThan(tail.cut);
    expect(values.filter((v) => v > tail.cut).length).toBe(tail.kept().length);
  });

  it('gives the exact nearest-rank p99 over several tails, ties included', () => {
    const random = mulberry32(2);
    const groups = [5_000, 20_000, 1, 300].map((n) =>
      Array.from({ length: n }, () => Math.round(random() * 50) / 10),
    );
    expect(tailPercentile(groups.map(tailOf))).toBe(sortedP99(groups.flat()));
    expect(tailPercentile([])).toBeNull();
  });

  it('says when its tails cannot settle the percentile: one slow day among fast ones', () => {
    const random = mulberry32(3);
    const fast = Array.from({ length: 50_000 }, () => random());
    const slow = Array.from({ length: 5_000 }, () => 10 + random());
    expect(tailPercentile([tailOf(slow), tailOf(fast)])).toBeUndefined();
  });
});

describe('selectRank', () => {
  const pass = (values: number[]) => async (visit: (value: number) => void) => values.forEach(visit);

  it('finds any rank in passes, whatever the spread of the values', async () => {
    const random = mulberry32(4);
    const spread = Array.from({ length: 200_000 }, () => Math.exp(random() * 20 - 10));
    const sorted = [...spread].sort((a, b) => a - b);
    for (const rank of [0, 1, 99_999, 198_000, 199_999])
      expect(await selectRank(pass(spread), rank)).toBe(sorted[rank]);
  });

  it('narrows values that share their leading bits, negative ones and zeros included', async () => {
    const random = mulberry32(5);
    const close = Array.from({ length: 150_000 }, () => 1 + random() * 1e-9);
    const sorted = [...close].sort((a, b) => a - b);
    expect(await selectRank(pass(close), 148_500)).toBe(sorted[148_500]);
    const mixed = [-2, -0.5, 0, 3, -1e-300, 7, 0];
    expect(await selectRank(pass(mixed), 0)).toBe(-2);
    expect(await selectRank(pass(mixed), 2)).toBe(-1e-300);
    expect(await selectRank(pass(mixed), 6)).toBe(7);
    expect(await selectRank(pass(Array.from({ length: 100_000 }, () => 4.2)), 99_000)).toBe(4.2);
    await expect(selectRank(pass([1, 2]), 2)).rejects.toThrow(/beyond/);
  });
});

describe('AuditWindow latency percentiles', () => {
  it('reads the window again for a percentile its tails cannot settle, and gets it exact', async () => {
    const random = mulberry32(6);
    const model = { variant: 'textcnn', version: 'v1' };
    const records = Array.from({ length: 50_000 }, (_, i) => ({
      ...model,
      predictionId: `p${i}`,
      time: '2026-11-30T10:00:00.000Z',
      topK: [],
      // The first part (one day) is slow.
      latencyMs: i < 5_000 ? 10 + random() : random(),
      ...(i % 7 === 0 ? { shadow: true } : {}),
    }));
    let rescans = 0;
    const window = auditWindowOf(records, {}, 5_000);
    const rescan = (window as unknown as { rescan: (v: unknown) => Promise<void> }).rescan;
    (window as unknown as { rescan: (v: unknown) => Promise<void> }).rescan = (visit) => (
      rescans++,
      rescan(visit)
    );
    expect(await window.latencyP99(model, { withShadows: true })).toBe(
      sortedP99(records.map((r) => r.latencyMs)),
    );
    expect(await window.latencyP99(model, { withShadows: false })).toBe(
      sortedP99(records.filter((r) => !r.shadow).map((r) => r.latencyMs)),
    );
    expect(rescans).toBeGreaterThan(0);
  });
});
