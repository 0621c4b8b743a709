import type { FeedbackRecord } from '../core/feedback';
import { countsAsEvidence } from '../core/feedback-review';
import { modelRefKey, type ModelRef, sameModel } from '../../models/model-ref';
import type { WeightedModelRef } from '../core/router';
import { withNullForNonFinite } from '../registry/canonical-json';
import { readHistory, type HistoryEntry } from '../registry/history';
import type { Registry } from '../registry/registry';
import { checkGuardrails, type GuardrailConfig } from '../stats/guardrails';
import { decideRamp, type RampAction, type RampConfig } from '../stats/ramp';
import { sequentialTest, type SequentialTestConfig } from '../stats/sequential-test';
import type { ObjectStore } from '../store/object-store';
import type { AuditTrail } from '../monitoring/audit-trail';
import type { AuditWindow } from '../monitoring/audit-window';
import { matchPredictions, readFeedback, unmatchedIds } from './live-outcomes';

export interface PromoteConfig {
  test?: SequentialTestConfig;
  guardrails?: GuardrailConfig;
  ramp?: RampConfig;
}

export interface PromoteInput {
  store: ObjectStore;
  registry: Registry;
  /** The audit trail (served predictions with their latency); cloud-neutral. */
  audit: AuditTrail;
  config?: PromoteConfig;
  log?: (line: string) => void;
}

export interface ChallengerEvaluation {
  challenger: ModelRef;
  action: RampAction;
  /** Whether the registry changed (a lost race or a no-op leaves it as it was). */
  applied: boolean;
  reason: string;
  stats: Record<string, unknown>;
}

/** The last evaluation of each challenger, for the dashboard: holds are not history events. */
export const PROMOTE_STATUS_KEY = 'jobs/promote/latest.json';

/** When the challenger was added, and when its weight last changed, from the history. */
function experimentTimes(
  history: readonly HistoryEntry[],
  ref: ModelRef,
): { since: string; weightSince: string } {
  let since = '';
  let weightSince = '';
  for (const entry of history) {
    if (!sameModel(entry.subject, ref)) continue;
    if (entry.type === 'challenger-added') since = weightSince = entry.time;
    if (entry.type === 'ramped') weightSince = entry.time;
  }
  return { since, weightSince };
}

export function counts(feedback: readonly FeedbackRecord[], ref: ModelRef, since: string) {
  let n = 0;
  let successes = 0;
  for (const record of feedback) {
    const prediction = record.prediction;
    if (!prediction || prediction.time < since || !sameModel(prediction, ref) || !countsAsEvidence(record))
      continue;
    n++;
    if (prediction.topK[0]?.hs6 === record.hs6) successes++;
  }
  return { n, successes };
}

/**
 * An arm's requests since `since`: those it answered, and those routed to it that it could not
 * answer (it failed to load or was refused; the champion answered them instead and the audit
 * record names it in `fallbackFrom`), which are its errors.
 */
export async function operations(audit: AuditWindow, ref: ModelRef, since: string) {
  const errors = audit.failed(ref, since);
  return {
    requests: audit.served(ref, since) + errors,
    errors,
    latencyP99Ms: (await audit.latencyP99(ref, { since, withShadows: false })) ?? 0,
  };
}

/**
 * The scheduled promote job: for each challenger, feedback joined with the predictions it rates
 * (each arm only on the traffic it served since the challenger was added), an always-valid
 * sequential test, latency guardrails and the ramp policy decide to ramp, promote, roll back or
 * keep collecting. State-changing decisions go through the registry (conditional writes: a job
 * that loses a race re-reads and decides again); every evaluation is kept for the dashboard.
 */
export async function runPromoteJob(input: PromoteInput): Promise<ChallengerEvaluation[]> {
  const { store, registry, config = {} } = input;
  const log = input.log ?? (() => undefined);
  const state = await registry.read();
  if (state.challengers.length === 0) return [];
  const [history, stored] = await Promise.all([readHistory(store), readFeedback(store)]);
  // The audit window is cut where each experiment started and last changed weight: the
  // guardrails compare each arm only on the traffic since then.
  const cuts = state.challengers.flatMap((c) => Object.values(experimentTimes(history, c)));
  const audit = await input.audit.window({ cuts, predictionIds: unmatchedIds(stored) });
  const feedback = matchPredictions(stored, audit);

  const evaluations: ChallengerEvaluation[] = [];
  for (const challenger of state.challengers as WeightedModelRef[]) {
    const ref = { variant: challenger.variant, version: challenger.version };
    const { since, weightSince } = experimentTimes(history, ref);
    const test = sequentialTest(
      { champion: counts(feedback, state.champion, since), challenger: counts(feedback, ref, since) },
      config.test,
    );
    const guardrails = checkGuardrails(
      {
        champion: await operations(audit, state.champion, since),
        challenger: await operations(audit, ref, since),
      },
      config.guardrails,
    );
    const decision = decideRamp(
      {
        weight: challenger.weight,
        samplesAtWeight: counts(feedback, ref, weightSince).n,
        test,
        guardrails,
      },
      config.ramp,
    );
    const details = withNullForNonFinite({
      reason: decision.reason,
      ...decision.stats,
      champion: state.champion,
    });
    let applied = false;
    if (decision.action === 'promote') applied = (await registry.promote(ref, details)).applied;
    else if (decision.action === 'rollback') applied = (await registry.rollback(ref, details)).applied;
    else if (decision.action === 'ramp' && decision.weight !== undefined) {
      applied = (await registry.ramp(ref, decision.weight, details)).applied;
    }
    log(
      `promote job: ${modelRefKey(ref)} → ${decision.action}${applied ? '' : ' (not applied)'}: ${decision.reason}`,
    );
    evaluations.push({
      challenger: ref,
      action: decision.action,
      applied,
      reason: decision.reason,
      stats: details,
    });
    // A promotion changes the champion every other challenger is compared with: decide the
    // rest on the next run, against the new state.
    if (applied && decision.action === 'promote') break;
  }
  await store.put(
    PROMOTE_STATUS_KEY,
    `${JSON.stringify({ evaluatedAt: new Date().toISOString(), evaluations }, null, 2)}\n`,
  );
  return evaluations;
}
