import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '../store/local-store';
import { claimContent, type ContentClaim } from './content-claim';

const HOUR = 3600_000;
const claim = (now: number): ContentClaim => ({
  claimKey: 'jobs/test/abc.json',
  input: { key: 'in/file.csv', sha256: 'abc' },
  staleMs: HOUR,
  now: () => now,
});

describe('claimContent', () => {
  const fresh = () => new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-claim-')));

  it('lets one run work on a content, and no other while it runs or once it is done', async () => {
    const store = fresh();
    const first = await claimContent(store, claim(0));
    expect(first.claimed).toBe(true);
    expect(await claimContent(store, claim(HOUR - 1))).toEqual({
      claimed: false,
      reason: expect.stringMatching(
        /started at 1970-01-01T00:00:00.000Z by process \d+ on .* is still running/,
      ),
    });
    if (first.claimed) await first.finish({ ok: true });
    expect(await claimContent(store, claim(10 * HOUR))).toEqual({
      claimed: false,
      reason: 'in/file.csv had the same content and was processed',
    });
  });

  it('takes over a claim whose run died once it is stale, and a failed one at once', async () => {
    const store = fresh();
    expect((await claimContent(store, claim(0))).claimed).toBe(true);
    const takenOver = await claimContent(store, claim(HOUR));
    expect(takenOver.claimed).toBe(true);
    if (takenOver.claimed) await takenOver.fail('disk full');
    const retried = await claimContent(store, claim(HOUR + 1));
    expect(retried.claimed).toBe(true);
  });

  it('refuses to settle a claim someone else has taken over since', async () => {
    const store = fresh();
    const slow = await claimContent(store, claim(0));
    expect((await claimContent(store, claim(2 * HOUR))).claimed).toBe(true);
    if (slow.claimed) await expect(slow.finish({})).rejects.toThrow(/expected/);
  });

  it('lets exactly one of many racing runs claim the same content', async () => {
    const store = fresh();
    const results = await Promise.all(Array.from({ length: 12 }, () => claimContent(store, claim(0))));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(
      results
        .filter((r) => !r.claimed)
        .every((r) => !r.claimed && /claimed this content first|still running/.test(r.reason)),
    ).toBe(true);
  });

  describe('owner and heartbeat', () => {
    const input = { key: 'data/incoming/a.csv', sha256: 'a'.repeat(64) };
    const options = { claimKey: 'jobs/retrain/a.json', input, staleMs: 60_000, heartbeatMs: 10 };
    const record = async (s: LocalObjectStore) =>
      JSON.parse(Buffer.from((await s.get(options.claimKey))!.body).toString('utf8'));

    it('records its owner and renews its heartbeat while the job runs', async () => {
      const s = fresh();
      const claim = await claimContent(s, { ...options, owner: { host: 'h1', pid: 4242 } });
      if (!claim.claimed) throw new Error(claim.reason);
      const first = await record(s);
      expect(first).toMatchObject({ status: 'started', owner: { host: 'h1', pid: 4242 } });
      // Renewed every 10 ms; a busy machine may take longer to run the timer, so wait for it.
      let later = await record(s);
      for (let tries = 0; later.heartbeatAt === first.heartbeatAt && tries < 500; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        later = await record(s);
      }
      expect(Date.parse(later.heartbeatAt)).toBeGreaterThan(Date.parse(first.heartbeatAt));
      await claim.finish({ done: true });
    });

    it('is taken over at once when its owner process is gone from this host, not while it lives', async () => {
      const s = fresh();
      const owner = { host: 'h1', pid: 4242 };
      const first = await claimContent(s, { ...options, owner, isAlive: () => true });
      if (!first.claimed) throw new Error('not claimed');
      first.stop();
      const busy = await claimContent(s, {
        ...options,
        owner: { host: 'h1', pid: 7 },
        isAlive: () => true,
      });
      expect(busy).toMatchObject({
        claimed: false,
        reason: expect.stringMatching(/process 4242 on h1 is still running/),
      });
      const elsewhere = await claimContent(s, {
        ...options,
        owner: { host: 'h2', pid: 7 },
        isAlive: () => false,
      });
      expect(elsewhere.claimed).toBe(false);
      const takeover = await claimContent(s, {
        ...options,
        owner: { host: 'h1', pid: 7 },
        isAlive: () => false,
      });
      expect(takeover).toMatchObject({
        claimed: true,
        tookOver: expect.stringMatching(/process 4242 on h1 .* is gone/),
      });
      // The first owner, were it still running, can no longer finish what it lost.
      await expect(first.finish({})).rejects.toThrow();
    });

    it('is taken over from another host once its heartbeat is stale', async () => {
      const s = fresh();
      let now = Date.UTC(2030, 0, 1);
      const first = await claimContent(s, {
        ...options,
        heartbeatMs: 3_600_000,
        owner: { host: 'h1', pid: 1 },
        now: () => now,
      });
      if (!first.claimed) throw new Error('not claimed');
      first.stop();
      const other = { ...options, owner: { host: 'h2', pid: 2 }, isAlive: () => false, now: () => now };
      now += 59_000;
      expect((await claimContent(s, other)).claimed).toBe(false);
      now += 1_000;
      expect(await claimContent(s, other)).toMatchObject({
        claimed: true,
        tookOver: expect.stringMatching(/no sign of life/),
      });
    });
  });
});
