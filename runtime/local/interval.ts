/** The longest delay Node's timers keep: longer ones fire after 1 ms instead (about 24.8 days). */
export const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** Runs `tick` every `everyMs` without keeping the process alive; refuses what timers cannot hold. */
export function unrefInterval(tick: () => void, everyMs: number): NodeJS.Timeout {
  if (!(everyMs > 0 && everyMs <= MAX_INTERVAL_MS)) {
    throw new RangeError(
      `an interval must be from 1 ms to ${MAX_INTERVAL_MS} ms (about 24.8 days), got ${everyMs}`,
    );
  }
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return timer;
}
