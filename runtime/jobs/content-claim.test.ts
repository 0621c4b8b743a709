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
  now,
});

describe('claimContent', () => {
  const fresh = () => new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-claim-')));

  it('lets one run work on a content, and no other while it runs or once it is done', async () => {
    const store = fresh();
    const first = await claimContent(store, claim(0));
    expect(first.claimed).toBe(true);
    expect(await claimContent(store, claim(HOUR - 1))).toEqual({
      claimed: false,
      reason: expect.stringMatching(/started at 1970-01-01T00:00:00.000Z is still running/),
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
});
