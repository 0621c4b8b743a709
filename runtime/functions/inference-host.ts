import { modelRefKey } from '../../models/model-ref';
import { TRIGGER_PREFIXES } from '../../models/deployment';
import { runBatchForObject, type BatchObjectResult } from '../batch/store-batch';
import { errorMessage } from '../core/errors';
import { PredictService } from '../core/predict-service';
import { StoreAuditSink } from '../core/store-audit-sink';
import { platformCaller } from '../http/caller';
import { createHttpHandler, type HttpHandler } from '../http/handler';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { coalescingMetrics } from '../http/coalescing-metrics';
import { HttpMetrics } from '../http/metrics';
import { errorResponse } from '../http/responses';
import { runScheduledJobs, type ScheduledJobsResult } from '../jobs/scheduled-jobs';
import { StoreAuditTrail } from '../jobs/store-audit-trail';
import { buildDashboard } from '../monitoring/dashboard-data';
import { Registry } from '../registry/registry';
import { cachedRoutingState } from '../registry/registry-state';
import type { ObjectStore } from '../store/object-store';
import type { FunctionEnv } from './function-env';
import { settle } from './settle';

export type ObjectCreatedOutcome = BatchObjectResult;

/**
 * What the inference bundle's functions do, whatever cloud runs them: the cloud's entry module
 * translates its events into these calls and nothing else. Each call resolves only after the
 * work it started is durable (audit records stored, shadows scored).
 */
export interface InferenceHost {
  /** One request to the public HTTP API (`POST /v1/predict`, `/v1/feedback`, `GET /v1/models`, …). */
  http(request: HttpRequest): Promise<HttpResponse>;
  /** An object was created; only `batch/in/` is this host's (other prefixes are skipped). */
  objectCreated(key: string): Promise<ObjectCreatedOutcome>;
  /** The schedule fired: the promote job, then the drift check. */
  scheduled(): Promise<ScheduledJobsResult>;
}

export interface InferenceHostOptions {
  store: ObjectStore;
  env: FunctionEnv;
  log?: (line: string) => void;
}

/**
 * One function instance's state, made on first use and kept while the instance is warm: the
 * predict service over the store (ONNX sessions, routing cache, recent predictions), its audit
 * sink, the HTTP handler and the audit trail the jobs read.
 */
export function createInferenceHost(options: InferenceHostOptions): InferenceHost {
  const { store, env } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const metrics = new HttpMetrics();
  const coalescing = { maxWaitMs: env.coalesceWaitMs };
  const observeCoalescing = coalescingMetrics(metrics.registry, coalescing);
  const routing = cachedRoutingState(store);
  const trail = new StoreAuditTrail(store);
  let instance: { service: PredictService; handler: HttpHandler } | undefined;

  const open = () => {
    if (instance) return instance;
    const service = new PredictService({
      store,
      audit: new StoreAuditSink(store),
      registry: routing,
      recordText: env.recordText,
      log: metrics.countingModelLoadFailures(log),
      // Another instance may have answered it: parked until the jobs match it with the audit trail.
      unknownPrediction: 'park',
      coalescing: { ...coalescing, observe: observeCoalescing },
    });
    const handler = createHttpHandler({
      service,
      log,
      metrics,
      registry: routing,
      dashboard: () => buildDashboard({ store, registry: new Registry(store), audit: trail }),
      identifyCaller: platformCaller(),
    });
    if (env.pinned) log(`deployment pinned ${modelRefKey(env.pinned)} (onnx sha256 ${env.pinned.sha256})`);
    instance = { service, handler };
    return instance;
  };

  return {
    async http(request) {
      const { service, handler } = open();
      const settled = await settle(service, () => handler(request));
      if (settled.ok) return settled.value;
      log(`http: the answer's audit records could not be stored: ${errorMessage(settled.error)}`);
      return errorResponse(
        503,
        'audit_unavailable',
        'the answer could not be recorded in the audit trail; retry',
        {
          headers: { 'retry-after': '5' },
        },
      );
    },

    async objectCreated(key) {
      // Every cloud delivers storage events for the whole bucket or container: others are skipped.
      if (!key.startsWith(TRIGGER_PREFIXES.batch)) {
        return { status: 'skipped', key, reason: `${key} is not under ${TRIGGER_PREFIXES.batch}` };
      }
      const { service } = open();
      const settled = await settle(service, () => runBatchForObject({ store, key, service, log }));
      // Every row is audited like an online prediction: an unrecorded batch is a failed one.
      if (!settled.ok) throw settled.error;
      return settled.value;
    },

    async scheduled() {
      return runScheduledJobs({ store, audit: trail, log });
    },
  };
}
