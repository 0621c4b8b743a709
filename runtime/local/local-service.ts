import { storeKeys } from '../../models/store-layout';
import { LocalAuditSink } from '../core/local-audit-sink';
import { PredictService, type PredictServiceOptions } from '../core/predict-service';
import type { ModelRef } from '../../models/model-ref';
import type { RoutingState } from '../core/router';
import { cachedRoutingState, type RegistryState } from '../registry/registry-state';
import { ensureChampion } from '../registry/ensure-champion';
import { LocalObjectStore } from '../store/local-store';
import type { PredictionLookup } from '../core/audit';
import { recordUnapproved } from '../registry/integrity-alarm';
import { Registry } from '../registry/registry';
import { latestLocalModel } from './local-models';

/** A lookup that, on a miss, lets `miss` make other processes' records durable and looks again. */
function lookingAgainAfter(lookup: PredictionLookup, miss: () => Promise<void>): PredictionLookup {
  return {
    findPrediction: async (id) => {
      const found = await lookup.findPrediction(id);
      if (found) return found;
      await miss();
      return lookup.findPrediction(id);
    },
  };
}

export interface LocalService {
  service: PredictService;
  store: LocalObjectStore;
  state: RegistryState;
  /** The cached registry reader the service routes with; share it rather than read twice. */
  routing: () => Promise<RoutingState>;
}

export interface LocalServiceOptions {
  /** The local store folder (HSCODE_HOME). */
  home: string;
  log?: (line: string) => void;
  /** Keep description texts in audit and feedback records (off: only their sha256). */
  recordText?: boolean;
  /**
   * Called when feedback names a prediction this process cannot find, before looking once more:
   * with several worker processes, another one may still hold the record in its audit buffer.
   */
  onLookupMiss?: () => Promise<void>;
  /** Recorded as the actor when this registers the first champion ("hscode serve", …). */
  actor?: string;
  /** How concurrent predictions share model calls (PredictServiceOptions.coalescing). */
  coalescing?: PredictServiceOptions['coalescing'];
  /** Load the models before returning (default); off, they load on first use. */
  preload?: boolean;
}

export class NoLocalModelError extends Error {
  constructor(home: string) {
    super(`no model is registered in ${home} and none has been trained there: run "npx hscode train" first`);
    this.name = 'NoLocalModelError';
  }
}

/**
 * The predict service over the local store: the registry's champion (the newest local model
 * becomes champion when the registry is still empty), audit records as daily JSON lines under
 * `<home>/audit/`, feedback under `<home>/feedback/`. Models are loaded before it returns (unless
 * `preload` is off), so the first request does not wait for ONNX Runtime.
 */
export async function openLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const store = new LocalObjectStore(options.home);
  const latest = latestLocalModel(options.home);
  const existing = await store.get(storeKeys.registryState);
  if (!existing && !latest) throw new NoLocalModelError(options.home);
  const { state } = await ensureChampion(store, latest as ModelRef, {
    actor: options.actor ?? 'local-service',
  });
  const audit = new LocalAuditSink(options.home, { log: options.log });
  const routing = cachedRoutingState(store);
  const alarms = new Registry(store, { actor: options.actor ?? 'local-service' });
  const service = new PredictService({
    store,
    audit,
    predictionLookup: options.onLookupMiss ? lookingAgainAfter(audit, options.onLookupMiss) : audit,
    registry: routing,
    recordText: options.recordText ?? false,
    log: options.log,
    onUnapprovedModel: (err) => recordUnapproved(alarms, err),
    coalescing: options.coalescing,
  });
  if (options.preload ?? true) await service.preload();
  return { service, store, state, routing };
}
