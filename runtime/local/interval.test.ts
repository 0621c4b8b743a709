import { MAX_INTERVAL_MS, unrefInterval } from './interval';

describe('unrefInterval', () => {
  it.each([0, -1, Number.NaN, MAX_INTERVAL_MS + 1, Infinity])(
    'refuses %s ms, which a timer would run every 1 ms',
    (ms) => {
      expect(() => unrefInterval(() => undefined, ms)).toThrow(RangeError);
    },
  );

  it('ticks on its interval without keeping the process alive', async () => {
    let ticks = 0;
    const timer = unrefInterval(() => ticks++, 5);
    expect(timer.hasRef()).toBe(false);
    const deadline = Date.now() + 5000;
    while (ticks < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(2);
  });
});
