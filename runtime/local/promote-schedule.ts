import { readLocalAudit } from '../jobs/live-outcomes';
import { runPromoteJob } from '../jobs/promote';
import { Registry } from '../registry/registry';
import type { ObjectStore } from '../store/object-store';

export interface PromoteSchedule {
  /** Runs the job now (tests, and the first run after start-up). */
  runNow(): Promise<void>;
  stop(): void;
}

/**
 * The promote job on an interval, in-process: it reads feedback and audit files and does a few
 * conditional writes, cheap enough to share the server's event loop. A run never overlaps the
 * previous one; a failed run is logged and the next one tries again.
 */
export function schedulePromote(options: {
  home: string;
  store: ObjectStore;
  everyMs: number;
  log: (line: string) => void;
}): PromoteSchedule {
  const registry = new Registry(options.store, { actor: 'promote-job' });
  let running: Promise<void> | undefined;
  const runNow = (): Promise<void> => {
    running ??= runPromoteJob({
      store: options.store,
      registry,
      audit: () => readLocalAudit(options.home),
      log: options.log,
    })
      .then(() => undefined)
      .catch((err: unknown) =>
        options.log(`promote job failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), options.everyMs);
  timer.unref();
  return { runNow, stop: () => clearInterval(timer) };
}
