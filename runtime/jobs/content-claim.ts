import { PreconditionFailedError, type ObjectStore } from '../store/object-store';

/** What a job records about one input's content while it works on it, and after. */
interface ClaimRecord<Outcome> {
  input: string;
  sha256: string;
  status: 'started' | 'done' | 'failed';
  startedAt: string;
  outcome?: Outcome;
  error?: string;
}

export type ClaimResult<Outcome> =
  | { claimed: true; finish(outcome: Outcome): Promise<void>; fail(error: string): Promise<void> }
  | { claimed: false; reason: string };

export interface ContentClaim {
  /** Where the claim is kept, e.g. `jobs/retrain/<sha256>.json`: what it names is done once. */
  claimKey: string;
  /** The input's key and the sha256 of its content. */
  input: { key: string; sha256: string };
  /** A claim older than this from a run that never finished may be taken over. */
  staleMs: number;
  now: number;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Claims an input by its content, so the same work is never done twice: a claim that is done
 * stays done; one that failed may be taken again at once (a retry); one left by a run that died
 * is taken over once it is older than `staleMs`. Every write is conditional, so two jobs racing
 * for the same claim cannot both win.
 */
export async function claimContent<Outcome>(
  store: ObjectStore,
  { claimKey, input, staleMs, now }: ContentClaim,
): Promise<ClaimResult<Outcome>> {
  const startedAt = new Date(now).toISOString();
  const record: ClaimRecord<Outcome> = {
    input: input.key,
    sha256: input.sha256,
    status: 'started',
    startedAt,
  };
  let version: string;
  try {
    const existing = await store.get(claimKey);
    if (existing) {
      const previous = JSON.parse(Buffer.from(existing.body).toString('utf8')) as ClaimRecord<Outcome>;
      if (previous.status === 'done')
        return { claimed: false, reason: `${previous.input} had the same content and was processed` };
      if (previous.status === 'started' && now - Date.parse(previous.startedAt) < staleMs) {
        return {
          claimed: false,
          reason: `work on this content started at ${previous.startedAt} is still running`,
        };
      }
    }
    version = (await store.put(claimKey, json(record), { ifVersion: existing?.version ?? null })).version;
  } catch (err) {
    if (err instanceof PreconditionFailedError)
      return { claimed: false, reason: 'another job claimed this content first' };
    throw err;
  }
  const settle = (ending: Partial<ClaimRecord<Outcome>>) =>
    store.put(claimKey, json({ ...record, ...ending }), { ifVersion: version }).then(() => undefined);
  return {
    claimed: true,
    // Marks the content done, so it is never worked on again.
    finish: (outcome) => settle({ status: 'done', outcome }),
    // Lets the next attempt (a redelivered event, a retry) take it at once.
    fail: (error) => settle({ status: 'failed', error }),
  };
}
