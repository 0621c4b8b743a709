import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('lets a burst through, then refuses with the wait until the next request may pass', () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock += 499;
    expect(limiter.take('a').ok).toBe(false);
    clock += 2;
    expect(limiter.take('a').ok).toBe(true);
  });

  it('counts each client on its own', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, now);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b').ok).toBe(true);
  });

  it('passes the burst, then the rate: 10 s at a 5/s limit pass the 10 of the burst and 50 more', () => {
    const limiter = new RateLimiter({ perSecond: 5, burst: 10 }, now);
    let passed = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      clock = 1_000_000 + ms;
      if (limiter.take('flood').ok) passed++;
    }
    expect(passed).toBeGreaterThanOrEqual(59);
    expect(passed).toBeLessThanOrEqual(60);
  });

  it('tracks at most maxClients and forgets clients whose bucket refilled', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 }, now, 100);
    for (let i = 0; i < 1000; i++) limiter.take(`client-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(101);
    clock += 5_000;
    limiter.take('late');
    expect(limiter.size).toBe(1);
  });

  it('refuses a limit that would let nothing through', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 5 })).toThrow(/perSecond/);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0 })).toThrow(/burst/);
  });
});
