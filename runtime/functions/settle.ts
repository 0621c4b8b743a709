/** What every invocation's work must be followed by: shadows scored, audit records stored. */
export interface Drainable {
  drain(): Promise<void>;
}

/** An invocation's result, and whether the work it started was made durable before it returned. */
export type Settled<T> = { ok: true; value: T } | { ok: false; value: T; error: unknown };

/**
 * Runs one invocation's work and then waits for everything it started (shadow scoring, audit
 * writes) before handing back the result. Function hosts freeze an instance as soon as the
 * handler returns, so work left running would be lost or finish minutes later: host methods only
 * return through here.
 */
export async function settle<T>(service: Drainable, work: () => Promise<T>): Promise<Settled<T>> {
  let value: T;
  try {
    value = await work();
  } catch (err) {
    // The work failed; still wait for what it started, then let the failure through.
    await service.drain().catch(() => undefined);
    throw err;
  }
  try {
    await service.drain();
    return { ok: true, value };
  } catch (error) {
    return { ok: false, value, error };
  }
}
