import { mulberry32 } from '../stats/seeded-random';
import { auditWindowOf } from '../../tests/helpers/audit-window-of';
import { LatencyTail, p99Rank, tailPercentile } from './latency-tail';

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
