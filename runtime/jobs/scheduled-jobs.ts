import { modelRefKey } from '../../models/model-ref';
import type { AuditTrail } from '../monitoring/audit-trail';
import { checkApprovals } from '../registry/integrity-alarm';
import { Registry } from '../registry/registry';
import type { ObjectStore } from '../store/object-store';
import { runDriftCheck, type DriftCheckResult } from './drift-check';
import { applyPendingRegistrations, type PendingOutcome } from './pending-registrations';
import { runPromoteJob, type ChallengerEvaluation } from './promote';

export interface ScheduledJobsResult {
  /** Routed models whose manifest is not what the registry approved (each alarmed once in the history). */
  refused: string[];
  /** Registrations a deployment asked for, applied before anything is decided. */
  pending: PendingOutcome[];
  evaluations: ChallengerEvaluation[];
  drift: DriftCheckResult;
}

/**
 * What runs on the schedule, on every host: registrations a deployment requested are applied,
 * every routed model's manifest is checked against the sha256 the registry approved (an alarm for
 * each that differs), the promote job decides each challenger, then the drift check compares the champion's live traffic with its training baseline (and may queue the
 * feedback collected so far for retraining).
 */
export async function runScheduledJobs(input: {
  store: ObjectStore;
  audit: AuditTrail;
  log: (line: string) => void;
  registry?: Registry;
}): Promise<ScheduledJobsResult> {
  const { store, audit, log } = input;
  const registry = input.registry ?? new Registry(store, { actor: 'scheduled-jobs' });
  const pending = await applyPendingRegistrations(store, registry, log);
  const refused = (await checkApprovals(store, registry, log)).map((err) => modelRefKey(err.ref));
  const evaluations = await runPromoteJob({ store, registry, audit, log });
  const drift = await runDriftCheck({ store, registry, audit, retrainOnAlarm: true, log });
  return { refused, pending, evaluations, drift };
}
