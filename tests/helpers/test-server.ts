import { LocalAuditSink } from '../../runtime/core/local-audit-sink';
import { PredictService } from '../../runtime/core/predict-service';
import type { RoutingState } from '../../runtime/core/router';
import { addApiKey } from '../../runtime/core/api-keys';
import { apiKeyCaller } from '../../runtime/http/caller';
import { createHttpHandler, type HttpLimits } from '../../runtime/http/handler';
import { startHttpServer, type ConnectionLimits } from '../../runtime/http/local-server';
import { HttpMetrics } from '../../runtime/http/metrics';
import { LocalAuditTrail } from '../../runtime/jobs/local-audit-trail';
import { buildDashboard } from '../../runtime/monitoring/dashboard-data';
import { Registry } from '../../runtime/registry/registry';
import { cachedRoutingState } from '../../runtime/registry/registry-state';
import { ensureChampion } from '../../runtime/registry/ensure-champion';
import { LocalObjectStore } from '../../runtime/store/local-store';
import { trainTinyModel, type TrainedModel } from './trained-model';

export interface TestServerOptions {
  /** Reuse a model trained earlier in the same file (default: train a tiny one). */
  model?: TrainedModel;
  limits?: Partial<HttpLimits>;
  webRoot?: string;
  /** Keep description texts in audit and feedback records. */
  recordText?: boolean;
  /**
   * Route by the store's registry, as `hscode serve` does (created with the model as champion
   * when empty; changes reach the server within `routingTtlMs`), instead of the model alone.
   */
  routeByRegistry?: boolean;
  routingTtlMs?: number;
  /** The server's connection limits (default: the local server's own). */
  connectionLimits?: Partial<ConnectionLimits>;
}

export interface TestServer {
  /** e.g. http://127.0.0.1:43817, no trailing slash. */
  url: string;
  /** The store folder: the model, audit/ and feedback/ live under it. */
  home: string;
  service: PredictService;
  model: TrainedModel;
  metrics: HttpMetrics;
  /** Every line the service and the handler logged. */
  logs: string[];
  close(): Promise<void>;
  /** An analyst's API key for feedback (`Authorization: Bearer <key>`). */
  analystKey: string;
}

/**
 * The real service over real loopback HTTP: a tiny model trained into a temporary store, served
 * as the only champion, with the local audit trail, behind the same handler the clouds wrap.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const model = options.model ?? (await trainTinyModel());
  const { home } = model;
  const store = new LocalObjectStore(home);
  const fixed: RoutingState = { champion: model.ref, challengers: [], shadows: [] };
  if (options.routeByRegistry) await ensureChampion(store, model.ref);
  const routing: () => RoutingState | Promise<RoutingState> = options.routeByRegistry
    ? cachedRoutingState(store, options.routingTtlMs ?? 200)
    : () => fixed;
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const metrics = new HttpMetrics();
  const audit = new LocalAuditSink(home, { log });
  const service = new PredictService({
    store,
    audit,
    registry: routing,
    predictionLookup: audit,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.recordText ? { recordText: true } : {}),
    log: metrics.countingModelLoadFailures(log),
  });
  await service.preload();
  const handler = createHttpHandler({
    service,
    metrics,
    log,
    registry: routing,
    dashboard: () =>
      buildDashboard({ store, registry: new Registry(store), audit: new LocalAuditTrail(home) }),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    identifyCaller: apiKeyCaller(home),
  });
  const { key: analystKey } = await addApiKey(home, 'test analyst');
  const server = await startHttpServer({
    handler,
    port: 0,
    log,
    ...(options.limits?.maxBodyBytes ? { maxBodyBytes: options.limits.maxBodyBytes } : {}),
    ...(options.connectionLimits ? { limits: options.connectionLimits } : {}),
  });
  return {
    url: server.url,
    home,
    service,
    model,
    metrics,
    logs,
    analystKey,
    close: async () => {
      await server.close();
      await service.close();
    },
  };
}
