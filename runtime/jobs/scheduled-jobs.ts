import { modelRefKey } from '../../models/model-ref';
import type { AuditTrail } from '../monitoring/audit-trail';
import { checkApprovals } from '../registry/integrity-alarm';
import { Registry } from '../registry/registry';
import type { ObjectStore } from '../store/object-store';
import { runDriftCheck, type DriftCheckResult } from './drift-check';
import { applyPendingRegistrations, type PendingOutcome } from './pending-registrations';
import { runPromoteJob, type ChallengerEvaluation } from './promote';
import type { RetentionReport } from './retention';
import { retentionFromEnv, type RetentionConfig } from './retention-config';
import { runRetentionIfDue } from './scheduled-retention';

export interface ScheduledJobsResult {
  /** Routed models whose manifest is not what the registry approved (each alarmed once in the history). */
  refused: string[];
  /** Registrations a deployment asked for, applied before anything is decided. */
  pending: PendingOutcome[];
  evaluations: ChallengerEvaluation[];
  drift: DriftCheckResult;
  /** What retention deleted, when it was due (at most every RetentionConfig.everyMs). */
  retention?: RetentionReport;
}

/**
 * What runs on the schedule, on every host: registrations a deployment requested are applied,
 * every routed model's manifest is checked against the sha256 the registry approved (an alarm for
 * each that differs), the promote job decides each challenger, then the drift check compares the
 * champion's live traffic with its training baseline (and may queue the feedback collected so far
 * for retraining), and retention, when due, deletes old audit records and feedback that nothing
 * needs any more.
 */
export async function runScheduledJobs(input: {
  store: ObjectStore;
  audit: AuditTrail;
  log: (line: string) => void;
  registry?: Registry;
  /** Default: DEFAULT_RETENTION with the HSCODE_*_RETENTION_* environment overrides. */
  retention?: RetentionConfig;
}): Promise<ScheduledJobsResult> {
  const { store, audit, log } = input;
  const registry = input.registry ?? new Registry(store, { actor: 'scheduled-jobs' });
  const pending = await applyPendingRegistrations(store, registry, log);
  const refused = (await checkApprovals(store, registry, log)).map((err) => modelRefKey(err.ref));
  const evaluations = await runPromoteJob({ store, registry, audit, log });
  const drift = await runDriftCheck({ store, registry, audit, retrainOnAlarm: true, log });
  // Last, after the jobs that read the window, and never deleting what they still need.
  const retention = await runRetentionIfDue({
    store,
    config: input.retention ?? retentionFromEnv(process.env),
    log,
  });
  return { refused, pending, evaluations, drift, ...(retention ? { retention } : {}) };
}
