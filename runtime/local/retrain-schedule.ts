import { queueFeedbackRetrain, type QueuedFeedback } from '../jobs/feedback-retrain';
import type { ObjectStore } from '../store/object-store';
import { unrefInterval } from './interval';
import { errorMessage } from '../core/errors';

export interface RetrainSchedule {
  /** Queues the feedback now (tests, and a first run when wanted). */
  runNow(): Promise<QueuedFeedback | undefined>;
  stop(): void;
}

/**
 * Retraining on a schedule as well as on dropped files: every `everyMs`, the feedback collected so
 * far goes to data/incoming/ as a labelled file, which the incoming-folder watcher hands to the
 * retrain job like any other. Feedback unchanged since the last time queues nothing.
 */
export function scheduleFeedbackRetraining(options: {
  store: ObjectStore;
  everyMs: number;
  log: (line: string) => void;
}): RetrainSchedule {
  // One run at a time: a tick while a run is going is skipped, and a run asked for by hand waits
  // for the one going, then runs, instead of racing it over the same feedback and queued file.
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const runNow = (): Promise<QueuedFeedback | undefined> => {
    const run = running.then(async () => {
      busy = true;
      try {
        return await runOnce();
      } finally {
        busy = false;
      }
    });
    running = run;
    return run;
  };
  const runOnce = async (): Promise<QueuedFeedback | undefined> => {
    try {
      const queued = await queueFeedbackRetrain(options.store);
      if (queued?.queued) {
        options.log(
          `scheduled retraining: queued ${queued.key} (${queued.rows} feedback row${queued.rows === 1 ? '' : 's'})`,
        );
      }
      return queued;
    } catch (err) {
      options.log(`scheduled retraining failed: ${errorMessage(err)}`);
      return undefined;
    }
  };
  const timer = unrefInterval(() => void (busy ? undefined : runNow()), options.everyMs);
  return { runNow, stop: () => clearInterval(timer) };
}
