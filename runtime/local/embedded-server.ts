import { join } from 'node:path';
import { storeKeys } from '../../models/store-layout';
import type { PredictService } from '../core/predict-service';
import { apiKeyCaller } from '../http/caller';
import { createHttpHandler, type HttpLimits } from '../http/handler';
import { startHttpServer, type ConnectionLimits } from '../http/local-server';
import { coalescingMetrics } from '../http/coalescing-metrics';
import { HttpMetrics } from '../http/metrics';
import { LocalAuditTrail } from '../jobs/local-audit-trail';
import { buildDashboard } from '../monitoring/dashboard-data';
import { Registry } from '../registry/registry';
import type { RegistryState } from '../registry/registry-state';
import type { LocalObjectStore } from '../store/local-store';
import { watchBatchFolder } from './batch-watcher';
import { watchIncoming } from './incoming-watcher';
import { scheduleJobs } from './job-schedule';
import { scheduleFeedbackRetraining } from './retrain-schedule';
import { openLocalService } from './local-service';

/** The scheduled and file-triggered work: run once per store, by one process. */
export interface BackgroundOptions {
  home: string;
  /**
   * The retrain command for files dropped into data/incoming/ ([executable, ...args]); none
   * turns the watcher off.
   */
  retrainCommand?: [string, ...string[]];
  /** Interval of the promote job and the drift check; 0 turns them off. */
  jobsEveryMs: number;
  /**
   * Interval at which the feedback collected so far is queued for retraining (needs the
   * retrain command); 0 or absent: only dropped files and drift alarms retrain.
   */
  retrainEveryMs?: number;
  /**
   * How often `batch/in/` is looked at for files to predict into `batch/out/` (default 1000);
   * 0 turns batch predictions off.
   */
  batchEveryMs?: number;
  log: (line: string) => void;
}

/** What answers HTTP: one per process, as many processes as there are workers. */
export interface ServingOptions {
  home: string;
  port: number;
  host: string;
  recordText?: boolean;
  /** The longest a prediction waits to share a model call with concurrent ones, ms (default 1). */
  coalesceWaitMs?: number;
  /** Connection limits of this process's server. */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Request limits of the API (cost budget, feedback rate, body size). */
  httpLimits?: Partial<HttpLimits>;
  log: (line: string) => void;
}

export type EmbeddedServerOptions = BackgroundOptions & ServingOptions;

export interface EmbeddedServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  state: RegistryState;
  /** Stops the jobs, finishes requests in flight and flushes audit records. */
  close(): Promise<void>;
}

/** Where a worker gets what only one process of the store may hold or compute. */
export interface SharedParts {
  dashboard: () => Promise<unknown>;
  /** Prometheus text for every process together. */
  metrics?: () => Promise<{ contentType: string; text: string }>;
  /** Makes every process's buffered audit records durable (feedback looks them up). */
  flushAudit?: () => Promise<void>;
}

interface Serving extends EmbeddedServer {
  service: PredictService;
  store: LocalObjectStore;
  metrics: HttpMetrics;
}

/**
 * The predict service and the HTTP API over it; `shared` gives what the process running the
 * background work holds (this one, or the primary of a cluster).
 */
export async function startServing(
  options: ServingOptions,
  shared: (local: { store: LocalObjectStore }) => SharedParts,
): Promise<Serving> {
  const { home, log } = options;
  // Model load failures reach the metrics through the service's log lines.
  const metrics = new HttpMetrics();
  const coalescing = { maxWaitMs: options.coalesceWaitMs };
  const { service, store, state, routing } = await openLocalService({
    home,
    log: metrics.countingModelLoadFailures(log),
    recordText: options.recordText,
    coalescing: { ...coalescing, observe: coalescingMetrics(metrics.registry, coalescing) },
    onLookupMiss: () => parts.flushAudit?.() ?? Promise.resolve(),
  });
  const parts: SharedParts = shared({ store });
  if (parts.metrics) metrics.useExposition(parts.metrics);
  const handler = createHttpHandler({
    service,
    log,
    metrics,
    registry: routing,
    dashboard: parts.dashboard,
    identifyCaller: apiKeyCaller(home),
    ...(options.httpLimits ? { limits: options.httpLimits } : {}),
  });
  const server = await startHttpServer({
    handler,
    port: options.port,
    host: options.host,
    log,
    ...(options.connectionLimits ? { limits: options.connectionLimits } : {}),
  });
  return {
    url: server.url,
    port: server.port,
    state,
    service,
    store,
    metrics,
    close: async () => {
      await server.close();
      await service.close();
    },
  };
}

/** One trail for the jobs and the dashboard: each reads only what was appended since the last. */
export function ownDashboard(home: string, store: LocalObjectStore) {
  const audit = new LocalAuditTrail(home);
  return { audit, dashboard: () => buildDashboard({ store, registry: new Registry(store), audit }) };
}

/**
 * The incoming-folder watcher, the batch folder (files in batch/in/ predicted into batch/out/) and
 * the scheduled promote, drift and retrain jobs; `stop` ends them and waits for a running batch.
 */
export function startBackground(
  options: BackgroundOptions,
  parts: {
    store: LocalObjectStore;
    service: PredictService;
    audit: ReturnType<typeof ownDashboard>['audit'];
  },
): { stop(): Promise<void> } {
  const { home, log, store } = { ...options, ...parts };
  const watcher = options.retrainCommand
    ? watchIncoming({
        folder: join(home, storeKeys.incomingData),
        command: options.retrainCommand,
        env: { ...process.env, HSCODE_HOME: home },
        log,
      })
    : undefined;
  const batchEveryMs = options.batchEveryMs ?? 1000;
  const batches =
    batchEveryMs > 0
      ? watchBatchFolder({ store, service: parts.service, intervalMs: batchEveryMs, log })
      : undefined;
  const jobs =
    options.jobsEveryMs > 0
      ? scheduleJobs({ store, audit: parts.audit, everyMs: options.jobsEveryMs, log })
      : undefined;
  const retraining =
    watcher && (options.retrainEveryMs ?? 0) > 0
      ? scheduleFeedbackRetraining({ store, everyMs: options.retrainEveryMs as number, log })
      : undefined;
  // Also at start: a server restarted more often than its interval would otherwise never queue.
  void retraining?.runNow();
  return {
    stop: async () => {
      jobs?.stop();
      retraining?.stop();
      watcher?.stop();
      batches?.stop();
      await batches?.idle();
    },
  };
}

/**
 * Everything `hscode serve` runs in one process: the predict service over the local store, the
 * HTTP API with its page and dashboard, and the background work. The same handler is what each
 * cloud's function entry wraps; `hscode serve --workers N` splits the two (serve-cluster.ts).
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  let own: ReturnType<typeof ownDashboard> | undefined;
  const serving = await startServing(options, ({ store }) => {
    own = ownDashboard(options.home, store);
    return { dashboard: own.dashboard };
  });
  const background = startBackground(options, {
    store: serving.store,
    service: serving.service,
    audit: (own as ReturnType<typeof ownDashboard>).audit,
  });
  return {
    url: serving.url,
    port: serving.port,
    state: serving.state,
    close: async () => {
      await background.stop();
      await serving.close();
    },
  };
}
