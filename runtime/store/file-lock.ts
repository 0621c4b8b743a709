import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isErrno } from './errno';

export interface FileLockOptions {
  /** A lock older than this is presumed abandoned (its holder hung or died on another host). */
  staleMs?: number;
  /** Give up waiting for a busy lock after this long. */
  timeoutMs?: number;
}

export class LockTimeoutError extends Error {
  constructor(lockPath: string, timeoutMs: number) {
    super(`could not take the lock ${lockPath} within ${timeoutMs} ms: another writer holds it`);
    this.name = 'LockTimeoutError';
  }
}

interface LockOwner {
  host: string;
  pid: number;
  token: string;
}

const DEFAULTS = { staleMs: 10_000, timeoutMs: 15_000 };
const HOST = hostname();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return !isErrno(err, 'ESRCH');
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.host === 'string' && typeof value.pid === 'number' && typeof value.token === 'string') {
      return value as LockOwner;
    }
  } catch {
    // A lock whose holder has not finished writing it yet: judged by age alone.
  }
  return undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * Removes the lock if its holder is gone: a dead process on this host, or (any host) a lock older
 * than `staleMs`. Breakers race too, so the stale lock is first renamed aside (only one rename
 * can succeed); if what was moved turns out to be a fresh lock someone took in between, it is
 * linked back (link fails rather than overwrite). Returns true when the caller should retry at once.
 */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  let judged: string | undefined;
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(lockPath)).mtimeMs;
    judged = await readText(lockPath);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return true;
    throw err;
  }
  if (judged === undefined) return true;
  const owner = parseOwner(judged);
  const holderDied = owner !== undefined && owner.host === HOST && !processIsAlive(owner.pid);
  if (!holderDied && Date.now() - mtimeMs <= staleMs) return false;

  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return true;
    throw err;
  }
  const moved = await readText(aside);
  if (moved !== judged) {
    await link(aside, lockPath).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

async function acquire(lockPath: string, staleMs: number, timeoutMs: number): Promise<string> {
  const owner: LockOwner = { host: HOST, pid: process.pid, token: randomUUID() };
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      return owner.token;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    if (await breakIfStale(lockPath, staleMs)) continue;
    if (Date.now() >= deadline) throw new LockTimeoutError(lockPath, timeoutMs);
    // Jittered, growing back-off: critical sections last a few milliseconds.
    await sleep(Math.random() * Math.min(2 + attempt, 25));
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  const current = await readText(lockPath);
  // If the lock was broken as stale and re-taken, it is someone else's now: leave it.
  if (current !== undefined && parseOwner(current)?.token === token) {
    await unlink(lockPath).catch((err: unknown) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
  }
}

/**
 * Runs `critical` while holding an exclusive lock file (created with O_EXCL, so exactly one
 * process or promise holds it), across processes on one machine or on a shared volume.
 */
export async function withFileLock<T>(
  lockPath: string,
  critical: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const { staleMs, timeoutMs } = { ...DEFAULTS, ...options };
  const token = await acquire(lockPath, staleMs, timeoutMs);
  try {
    return await critical();
  } finally {
    await release(lockPath, token);
  }
}
