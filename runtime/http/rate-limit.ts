export interface RateLimit {
  /** Requests a client may send per second, sustained. */
  perSecond: number;
  /** Requests a client may send at once after being quiet. */
  burst: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client: `burst` requests at once, then `perSecond`. Clients are forgotten
 * once their bucket is full again, and at most `maxClients` are tracked (the longest-idle go
 * first), so a flood from many addresses cannot grow the map without bound.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxClients = 10_000,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new Error('a rate limit needs perSecond > 0 and burst >= 1');
    }
  }

  take(client: string): RateDecision {
    const now = this.now();
    const { perSecond, burst } = this.limit;
    const previous = this.buckets.get(client);
    const refilled = previous
      ? Math.min(burst, previous.tokens + ((now - previous.at) / 1000) * perSecond)
      : burst;
    // Re-inserted so the map's order is least recently seen first.
    this.buckets.delete(client);
    if (refilled < 1) {
      this.buckets.set(client, { tokens: refilled, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - refilled) / perSecond)) };
    }
    this.buckets.set(client, { tokens: refilled - 1, at: now });
    this.forgetIdle(now);
    return { ok: true };
  }

  /** Clients tracked right now (tests). */
  get size(): number {
    return this.buckets.size;
  }

  private forgetIdle(now: number): void {
    const { perSecond, burst } = this.limit;
    for (const [client, bucket] of this.buckets) {
      const full = bucket.tokens + ((now - bucket.at) / 1000) * perSecond >= burst;
      if (!full && this.buckets.size <= this.maxClients) break;
      this.buckets.delete(client);
    }
  }
}
