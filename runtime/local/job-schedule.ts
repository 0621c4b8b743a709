import { runScheduledJobs } from '../jobs/scheduled-jobs';
import { Registry } from '../registry/registry';
import type { AuditTrail } from '../monitoring/audit-trail';
import type { ObjectStore } from '../store/object-store';
import { unrefInterval } from './interval';
import { errorMessage } from '../core/errors';

export interface JobSchedule {
  /** Runs the job now (tests, and the first run after start-up). */
  runNow(): Promise<void>;
  stop(): void;
}

/**
 * The promote job and the drift check on an interval, in-process: they read feedback and audit
 * files and do a few conditional writes, cheap enough to share the server's event loop. A run
 * never overlaps the previous one; a failed run is logged and the next one tries again. A drift
 * alarm queues the feedback collected so far for the retrain job.
 */
export function scheduleJobs(options: {
  store: ObjectStore;
  /** The audit trail both jobs read (locally, a LocalAuditTrail shared with the dashboard). */
  audit: AuditTrail;
  everyMs: number;
  log: (line: string) => void;
}): JobSchedule {
  const registry = new Registry(options.store, { actor: 'scheduled-jobs' });
  let running: Promise<void> | undefined;
  const runNow = (): Promise<void> => {
    const { audit } = options;
    running ??= runScheduledJobs({ store: options.store, registry, audit, log: options.log })
      .then(() => undefined)
      .catch((err: unknown) => options.log(`scheduled jobs failed: ${errorMessage(err)}`))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = unrefInterval(() => void runNow(), options.everyMs);
  return { runNow, stop: () => clearInterval(timer) };
}
