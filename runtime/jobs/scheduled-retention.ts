import type { ObjectStore } from '../store/object-store';
import type { RetentionConfig } from './retention-config';
import { runRetention, type RetentionReport } from './retention';

/** When retention last ran, so that jobs scheduled every minute apply it only every `everyMs`. */
export const RETENTION_STATUS_KEY = 'jobs/retention/latest.json';

/**
 * Retention as one of the scheduled jobs: applied when the last run is older than
 * `config.everyMs` (or never happened), and recorded with what it deleted. Returns undefined when
 * it was not due.
 */
export async function runRetentionIfDue(input: {
  store: ObjectStore;
  config: RetentionConfig;
  now?: () => Date;
  log?: (line: string) => void;
}): Promise<RetentionReport | undefined> {
  const { store, config } = input;
  const now = input.now?.() ?? new Date();
  const last = await store.get(RETENTION_STATUS_KEY);
  if (last) {
    const ranAt = Date.parse(
      (JSON.parse(Buffer.from(last.body).toString('utf8')) as { now?: string }).now ?? '',
    );
    if (now.getTime() - ranAt < config.everyMs) return undefined;
  }
  const report = await runRetention({
    store,
    config,
    now: () => now,
    ...(input.log ? { log: input.log } : {}),
  });
  const summary = {
    now: report.now,
    needs: report.needs,
    audit: { ...report.audit, deleted: report.audit.deleted.length },
    feedback: { ...report.feedback, deleted: report.feedback.deleted.length },
  };
  await store.put(RETENTION_STATUS_KEY, `${JSON.stringify(summary, null, 2)}\n`);
  return report;
}
