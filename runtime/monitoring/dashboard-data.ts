import { ARTIFACT_FILES } from '../../models/artifact';
import { storeKeys } from '../../models/store-layout';
import { modelRefKey, type ModelRef, bareModelRef } from '../../models/model-ref';
import type { WeightedModelRef } from '../core/router';
import {
  liveOutcomes,
  matchPredictions,
  readFeedback,
  unmatchedIds,
  type LiveOutcomes,
} from '../jobs/live-outcomes';
import { readHistory } from '../registry/history';
import { NoRegistryStateError, positionOf, type RegistryPosition } from '../registry/registry';
import type { RegistryState } from '../registry/registry-state';
import type { DriftBaseline } from '../stats/drift';
import type { ObjectStore } from '../store/object-store';
import type { AuditTrail } from './audit-trail';
import { decisionRow, type DecisionRow } from './decisions';
import { feedbackByGiver, type GiverRow } from './feedback-givers';
import { modelDrift, type ModelDrift } from './model-drift';
import { wilsonInterval, type ProportionEstimate } from './wilson';

export interface DashboardSources {
  store: ObjectStore;
  /** The registry (Registry satisfies this); reading may throw NoRegistryStateError before any champion. */
  registry: { read(): Promise<RegistryState> };
  /** Where the live predictions come from: the window the dashboard describes (e.g. the last 7 days). */
  audit: AuditTrail;
  /** Decisions listed, newest first (default 50). */
  historyLimit?: number;
  /** Feedback older than this many days is left out of the accuracy panels (default 30). */
  feedbackDays?: number;
  now?: () => Date;
}

export interface TrafficShare extends ModelRef {
  role: 'champion' | 'challenger';
  /** Share of requests in [0, 1]: the challengers' weights, and what they leave to the champion. */
  share: number;
}

export type DailyAccuracy = ProportionEstimate & { day: string };

export interface ModelPanel extends ModelRef {
  /** Its place in the registry now; null for a model that left it but still has feedback in the window. */
  role: RegistryPosition | null;
  /** Top-1 subheading accuracy on feedback about this model's own answers, with Wilson 95% bounds. */
  accuracy: ProportionEstimate;
  accuracyByDay: DailyAccuracy[];
  /** Predictions it answered in the audit window (shadows answer none) and its model latency p99. */
  served: number;
  latencyP99Ms: number | null;
  /** Live inputs against the model's own held-out baseline; null for models that see no traffic. */
  drift: ModelDrift | null;
  /** Why there is no drift panel for a routed model (its manifest could not be read). */
  driftUnavailable?: string;
}

export interface DashboardDocument {
  generatedAt: string;
  /** null until a champion is registered. */
  registry: {
    revision: number;
    champion: ModelRef;
    challengers: WeightedModelRef[];
    shadows: ModelRef[];
    fallback: ModelRef | null;
  } | null;
  traffic: TrafficShare[];
  decisions: DecisionRow[];
  models: ModelPanel[];
  /** Feedback per giver in the window, each compared with everyone else's (see feedback-givers.ts). */
  givers: GiverRow[];
  window: {
    auditRecords: number;
    firstPrediction: string | null;
    lastPrediction: string | null;
    feedbackRecords: number;
    feedbackSince: string;
  };
}

const DAY_MS = 86_400_000;

async function readState(registry: DashboardSources['registry']): Promise<RegistryState | undefined> {
  try {
    return await registry.read();
  } catch (err) {
    if (err instanceof NoRegistryStateError) return undefined;
    throw err;
  }
}

export function trafficSplit(state: RegistryState): TrafficShare[] {
  const challengers = state.challengers.map((c): TrafficShare => ({
    ...bareModelRef(c),
    role: 'challenger',
    share: c.weight,
  }));
  const taken = challengers.reduce((sum, c) => sum + c.share, 0);
  // Weights may add up to 1 + a rounding speck (the registry allows it): never a negative share.
  return [
    { ...bareModelRef(state.champion), role: 'champion', share: Math.max(0, 1 - taken) },
    ...challengers,
  ];
}

/** The manifest's drift baseline, or why it cannot be had. */
async function readBaseline(store: ObjectStore, ref: ModelRef): Promise<DriftBaseline | string> {
  const key = storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.manifest);
  const object = await store.get(key);
  if (!object) return `${key} is missing`;
  try {
    const baseline = (
      JSON.parse(Buffer.from(object.body).toString('utf8')) as { driftBaseline?: DriftBaseline }
    ).driftBaseline;
    if (
      !baseline ||
      typeof baseline.chapterDistribution !== 'object' ||
      !Array.isArray(baseline.confidenceHistogram) ||
      typeof baseline.unknownWordRate !== 'number'
    ) {
      return `${key} has no drift baseline`;
    }
    return baseline;
  } catch {
    return `${key} is not JSON`;
  }
}

function accuracyOf(outcomes: LiveOutcomes | undefined): Pick<ModelPanel, 'accuracy' | 'accuracyByDay'> {
  if (!outcomes) return { accuracy: wilsonInterval(0, 0), accuracyByDay: [] };
  return {
    accuracy: wilsonInterval(outcomes.correct, outcomes.n),
    accuracyByDay: Object.entries(outcomes.byDay)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([day, { n, correct }]) => ({ day, ...wilsonInterval(correct, n) })),
  };
}

/**
 * The monitoring page's one document: who serves and with what share, the last decisions and the
 * numbers behind them, each model's accuracy on feedback about its own answers (per day, with
 * intervals), and its live inputs against the baseline its manifest recorded. Built from the
 * store and an audit source only, so any cloud that has those can serve it.
 */
export async function buildDashboard(sources: DashboardSources): Promise<DashboardDocument> {
  const now = (sources.now ?? (() => new Date()))();
  const feedbackSince = new Date(now.getTime() - (sources.feedbackDays ?? 30) * DAY_MS).toISOString();
  const [state, history, feedback] = await Promise.all([
    readState(sources.registry),
    readHistory(sources.store, { limit: sources.historyLimit ?? 50 }),
    readFeedback(sources.store, feedbackSince),
  ]);
  // Drift is about the inputs a model sees now: the routed ones; a fallback sees none.
  const routed = state ? [state.champion, ...state.challengers, ...state.shadows].map(bareModelRef) : [];
  const baselines = new Map<string, DriftBaseline | string>();
  for (const ref of routed) {
    if (!baselines.has(modelRefKey(ref)))
      baselines.set(modelRefKey(ref), await readBaseline(sources.store, ref));
  }
  const audit = await sources.audit.window({
    confidenceBins: [...baselines.values()].flatMap((b) =>
      typeof b === 'string' ? [] : [b.confidenceHistogram.length],
    ),
    predictionIds: unmatchedIds(feedback),
  });
  const matched = matchPredictions(feedback, audit);
  const outcomes = await liveOutcomes(matched, audit);

  const refs = new Map<string, ModelRef>();
  const add = (ref: ModelRef) => {
    if (!refs.has(modelRefKey(ref))) refs.set(modelRefKey(ref), bareModelRef(ref));
  };
  if (state) {
    [state.champion, ...state.challengers, ...state.shadows].forEach(add);
    if (state.fallback) add(state.fallback);
  }
  for (const key of outcomes.keys()) {
    const slash = key.indexOf('/');
    add({ variant: key.slice(0, slash), version: key.slice(slash + 1) });
  }

  const models = [...refs.entries()].map(([key, ref]): ModelPanel => {
    const role = state ? (positionOf(state, ref) ?? null) : null;
    const live = outcomes.get(key);
    const panel: ModelPanel = {
      ...ref,
      role,
      ...accuracyOf(live),
      served: live?.served ?? 0,
      latencyP99Ms: live?.latencyP99Ms ?? null,
      drift: null,
    };
    const baseline = baselines.get(key);
    if (role === 'champion' || role === 'challenger' || role === 'shadow') {
      if (typeof baseline === 'string') panel.driftUnavailable = baseline;
      else if (baseline) {
        panel.drift = modelDrift(baseline, audit.liveWindow(ref, baseline.confidenceHistogram.length));
      }
    }
    return panel;
  });

  return {
    generatedAt: now.toISOString(),
    registry: state
      ? {
          revision: state.revision,
          champion: bareModelRef(state.champion),
          challengers: state.challengers.map((c) => ({ ...bareModelRef(c), weight: c.weight })),
          shadows: state.shadows.map(bareModelRef),
          fallback: state.fallback ? bareModelRef(state.fallback) : null,
        }
      : null,
    traffic: state ? trafficSplit(state) : [],
    decisions: history.map(decisionRow).reverse(),
    models,
    givers: feedbackByGiver(matched),
    window: {
      auditRecords: audit.records,
      firstPrediction: audit.firstPrediction,
      lastPrediction: audit.lastPrediction,
      feedbackRecords: feedback.length,
      feedbackSince,
    },
  };
}
