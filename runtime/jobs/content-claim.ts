import { hostname } from 'node:os';
import { PreconditionFailedError, type ObjectStore } from '../store/object-store';
import { errorMessage } from '../core/errors';

/** Who works on an input: enough to tell, from another process, whether it is still alive. */
export interface ClaimOwner {
  host: string;
  pid: number;
  /** When the owner took the claim. */
  startedAt: string;
}

/** What a job records about one input's content while it works on it, and after. */
interface ClaimRecord<Outcome> {
  input: string;
  sha256: string;
  /** `failed`: the owner stopped on an error and let go; the next attempt takes it at once. */
  status: 'started' | 'done' | 'failed';
  startedAt: string;
  /** Absent in claims written by older versions. */
  owner?: ClaimOwner;
  /** Renewed while the owner works; a claim whose heartbeat is older than the stale limit is taken over. */
  heartbeatAt?: string;
  error?: string;
  /** The candidate the owner published, once it did: a run that takes over scores it instead of training again. */
  candidate?: { variant: string; version: string };
  outcome?: Outcome;
}

export interface Claim<Outcome> {
  claimed: true;
  /** Whose claim was taken over, when it was a dead, silent or failed owner's. */
  tookOver?: string;
  /** The candidate the previous owner had published before it stopped, if any. */
  publishedBefore?: { variant: string; version: string };
  /** Records the published candidate, so a run that takes over does not train it again. */
  published(candidate: { variant: string; version: string }): Promise<void>;
  /** Marks the content done, so it is never worked on again. */
  finish(outcome: Outcome): Promise<void>;
  /** Lets go after an error: the next attempt (a retry, a redelivered event) takes it at once. */
  fail(error: unknown): Promise<void>;
  /** Stops the heartbeat; call on every way out. */
  stop(): void;
}

export type ClaimResult<Outcome> = Claim<Outcome> | { claimed: false; reason: string };

export interface ContentClaim {
  /** Where the claim is kept, e.g. `jobs/retrain/<sha256>.json`: what it names is done once. */
  claimKey: string;
  /** The input's key and the sha256 of its content. */
  input: { key: string; sha256: string };
  /** A claim whose heartbeat (or start, without one) is older than this is taken over. */
  staleMs: number;
  /** How often the owner renews its heartbeat; without, a claim goes stale `staleMs` after it started. */
  heartbeatMs?: number;
  now?: () => number;
  /** This process, as the claim records it. */
  owner?: { host: string; pid: number };
  /** Whether a process of this host still runs (default: signal 0). */
  isAlive?: (pid: number) => boolean;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Signal 0 checks that a process exists without touching it; EPERM means it exists under another user. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type Settings = Required<Omit<ContentClaim, 'heartbeatMs'>> & Pick<ContentClaim, 'heartbeatMs'>;

/** Why an existing claim may be taken over, or undefined when its owner is presumably at work. */
function takeOverReason(previous: ClaimRecord<unknown>, options: Settings, now: number) {
  if (previous.status === 'failed')
    return `the run that started at ${previous.startedAt} failed (${previous.error ?? 'no reason recorded'})`;
  const { owner } = previous;
  if (owner && owner.host === options.owner.host && !options.isAlive(owner.pid)) {
    return `its owner, process ${owner.pid} on ${owner.host} (started ${owner.startedAt}), is gone`;
  }
  const lastSign = previous.heartbeatAt ?? previous.startedAt;
  if (now - Date.parse(lastSign) >= options.staleMs) {
    return `its owner${owner ? `, process ${owner.pid} on ${owner.host},` : ''} has given no sign of life since ${lastSign}`;
  }
  return undefined;
}

/**
 * Claims an input by its content, so the same work is never done twice, whatever the input's
 * name. A claim that is done stays done; one that failed is taken again at once (a retry). The
 * claim names its owner (host, pid, start) and, when asked, carries a heartbeat renewed while it
 * works, so a claim left by a run that died is taken over at once when its process is gone from
 * this host, and otherwise once its heartbeat (or start) is stale: another machine, or a frozen
 * process. Every write is conditional, so two jobs racing for the same claim cannot both win, and
 * an owner whose claim was taken over cannot settle it.
 */
export async function claimContent<Outcome>(
  store: ObjectStore,
  claim: ContentClaim,
): Promise<ClaimResult<Outcome>> {
  const options: Settings = {
    now: Date.now,
    owner: { host: hostname(), pid: process.pid },
    isAlive: processIsAlive,
    ...claim,
  };
  const { claimKey, input } = options;
  const startedAt = new Date(options.now()).toISOString();
  const record: ClaimRecord<Outcome> = {
    input: input.key,
    sha256: input.sha256,
    status: 'started',
    startedAt,
    owner: { ...options.owner, startedAt },
    heartbeatAt: startedAt,
  };
  let version: string;
  let tookOver: string | undefined;
  let publishedBefore: ClaimRecord<Outcome>['candidate'];
  try {
    const existing = await store.get(claimKey);
    if (existing) {
      const previous = JSON.parse(Buffer.from(existing.body).toString('utf8')) as ClaimRecord<Outcome>;
      if (previous.status === 'done')
        return { claimed: false, reason: `${previous.input} had the same content and was processed` };
      tookOver = takeOverReason(previous, options, options.now());
      publishedBefore = previous.candidate;
      if (!tookOver) {
        const owner = previous.owner ? ` by process ${previous.owner.pid} on ${previous.owner.host}` : '';
        return {
          claimed: false,
          reason: `work on this content started at ${previous.startedAt}${owner} is still running (last heartbeat ${previous.heartbeatAt ?? previous.startedAt})`,
        };
      }
    }
    version = (await store.put(claimKey, json(record), { ifVersion: existing?.version ?? null })).version;
  } catch (err) {
    if (err instanceof PreconditionFailedError)
      return { claimed: false, reason: 'another job claimed this content first' };
    throw err;
  }

  let lost: string | undefined;
  let beating: Promise<void> = Promise.resolve();
  const write = async (next: ClaimRecord<Outcome>) => {
    if (lost) throw new Error(`the claim on ${input.key} was lost: ${lost}`);
    try {
      version = (await store.put(claimKey, json(next), { ifVersion: version })).version;
    } catch (err) {
      if (err instanceof PreconditionFailedError) lost = 'another job took it over';
      throw err;
    }
  };
  const timer =
    options.heartbeatMs === undefined
      ? undefined
      : setInterval(() => {
          beating = beating
            .then(() => write({ ...record, heartbeatAt: new Date(options.now()).toISOString() }))
            .catch(() => undefined);
        }, options.heartbeatMs);
  timer?.unref();
  const update = (change: Partial<ClaimRecord<Outcome>>) => {
    Object.assign(record, change);
    beating = beating.then(() => write(record));
    return beating;
  };
  const stop = () => clearInterval(timer);
  return {
    claimed: true,
    ...(tookOver ? { tookOver } : {}),
    ...(publishedBefore ? { publishedBefore } : {}),
    published: (candidate) => update({ candidate, heartbeatAt: new Date(options.now()).toISOString() }),
    finish: async (outcome) => {
      stop();
      await beating;
      await write({ ...record, status: 'done', outcome });
    },
    fail: async (error) => {
      stop();
      await beating;
      await write({ ...record, status: 'failed', error: errorMessage(error) }).catch(() => undefined);
    },
    stop,
  };
}
