import { PreconditionFailedError, type ObjectStore } from '../store/object-store';

/** What the retrain job records about one input's content while it trains, and after. */
interface ClaimRecord<Outcome> {
  input: string;
  sha256: string;
  status: 'started' | 'done';
  startedAt: string;
  outcome?: Outcome;
}

export type ClaimResult<Outcome> =
  { claimed: true; finish(outcome: Outcome): Promise<void> } | { claimed: false; reason: string };

const claimKey = (sha: string) => `jobs/retrain/${sha}.json`;
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Claims an input by its content: the same bytes never train twice, whatever their name. A claim
 * left by a run that died is taken over once it is older than `staleMs`. Every write is
 * conditional, so two jobs racing for the same content cannot both win.
 */
export async function claimContent<Outcome>(
  store: ObjectStore,
  input: { key: string; sha256: string },
  staleMs: number,
  now: number,
): Promise<ClaimResult<Outcome>> {
  const startedAt = new Date(now).toISOString();
  const record: ClaimRecord<Outcome> = {
    input: input.key,
    sha256: input.sha256,
    status: 'started',
    startedAt,
  };
  const key = claimKey(input.sha256);
  let version: string;
  try {
    const existing = await store.get(key);
    if (existing) {
      const previous = JSON.parse(Buffer.from(existing.body).toString('utf8')) as ClaimRecord<Outcome>;
      if (previous.status === 'done')
        return { claimed: false, reason: `${previous.input} had the same content and was processed` };
      if (now - Date.parse(previous.startedAt) < staleMs) {
        return {
          claimed: false,
          reason: `a retrain of this content started at ${previous.startedAt} is still running`,
        };
      }
    }
    version = (await store.put(key, json(record), { ifVersion: existing?.version ?? null })).version;
  } catch (err) {
    if (err instanceof PreconditionFailedError)
      return { claimed: false, reason: 'another job claimed this file first' };
    throw err;
  }
  return {
    claimed: true,
    // Marks the content done, so it is never trained again.
    finish: async (outcome) => {
      await store.put(key, json({ ...record, status: 'done', outcome }), { ifVersion: version });
    },
  };
}
