import { wilsonInterval } from './wilson';

describe('wilsonInterval', () => {
  it('matches the published 95% interval for 81 of 263 (Newcombe 1998, method 3)', () => {
    const { rate, low, high } = wilsonInterval(81, 263);
    expect(rate).toBeCloseTo(81 / 263, 12);
    expect(low).toBeCloseTo(0.2553, 4);
    expect(high).toBeCloseTo(0.3662, 4);
  });

  it('stays inside [0, 1] with a non-zero width at 0/n and n/n, where the normal interval collapses', () => {
    const none = wilsonInterval(0, 10);
    const all = wilsonInterval(10, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeGreaterThan(0.2);
    expect(all.high).toBe(1);
    expect(all.low).toBeLessThan(0.8);
    // Symmetric: k of n and n−k of n mirror each other around one half.
    const a = wilsonInterval(3, 17);
    const b = wilsonInterval(14, 17);
    expect(a.low).toBeCloseTo(1 - (b.high as number), 12);
    expect(a.high).toBeCloseTo(1 - (b.low as number), 12);
  });

  it('narrows as n grows at the same rate and always contains the observed rate', () => {
    let width = Infinity;
    for (const n of [10, 40, 160, 640]) {
      const { rate, low, high } = wilsonInterval(Math.round(n * 0.7), n);
      expect(low as number).toBeLessThanOrEqual(rate as number);
      expect(high as number).toBeGreaterThanOrEqual(rate as number);
      expect((high as number) - (low as number)).toBeLessThan(width);
      width = (high as number) - (low as number);
    }
  });

  it('has no estimate without observations and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toEqual({ n: 0, successes: 0, rate: null, low: null, high: null });
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
  });
});
