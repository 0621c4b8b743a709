import { join } from 'node:path';
import { storeKeys } from '../../models/store-layout';
import { apiKeyCaller } from '../http/caller';
import { createHttpHandler } from '../http/handler';
import { startHttpServer } from '../http/local-server';
import { coalescingMetrics } from '../http/coalescing-metrics';
import { HttpMetrics } from '../http/metrics';
import { LocalAuditTrail } from '../jobs/local-audit-trail';
import { buildDashboard } from '../monitoring/dashboard-data';
import { Registry } from '../registry/registry';
import type { RegistryState } from '../registry/registry-state';
import { watchBatchFolder } from './batch-watcher';
import { watchIncoming } from './incoming-watcher';
import { scheduleJobs } from './job-schedule';
import { scheduleFeedbackRetraining } from './retrain-schedule';
import { openLocalService } from './local-service';

export interface EmbeddedServerOptions {
  home: string;
  port: number;
  host: string;
  recordText?: boolean;
  /** The longest a prediction waits to share a model call with concurrent ones, ms (default 1). */
  coalesceWaitMs?: number;
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

export interface EmbeddedServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  state: RegistryState;
  /** Stops the jobs, finishes requests in flight and flushes audit records. */
  close(): Promise<void>;
}

/**
 * Everything `hscode serve` runs on one machine: the predict service over the local store, the
 * HTTP API with its page and dashboard, the incoming-folder watcher, the batch folder (files in
 * batch/in/ predicted into batch/out/) and the scheduled promote and drift jobs. The same handler
 * is what each cloud's function entry wraps.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { home, log } = options;
  // Model load failures reach the metrics through the service's log lines.
  const metrics = new HttpMetrics();
  const coalescing = { maxWaitMs: options.coalesceWaitMs };
  const { service, store, state, routing } = await openLocalService({
    home,
    log: metrics.countingModelLoadFailures(log),
    recordText: options.recordText,
    coalescing: { ...coalescing, observe: coalescingMetrics(metrics.registry, coalescing) },
  });
  // One trail for the jobs and the dashboard: each reads only what was appended since the last.
  const audit = new LocalAuditTrail(home);
  const handler = createHttpHandler({
    service,
    log,
    metrics,
    registry: routing,
    dashboard: () => buildDashboard({ store, registry: new Registry(store), audit }),
    identifyCaller: apiKeyCaller(home),
  });
  const server = await startHttpServer({ handler, port: options.port, host: options.host, log });
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
    batchEveryMs > 0 ? watchBatchFolder({ store, service, intervalMs: batchEveryMs, log }) : undefined;
  const jobs =
    options.jobsEveryMs > 0 ? scheduleJobs({ store, audit, everyMs: options.jobsEveryMs, log }) : undefined;
  const retraining =
    watcher && (options.retrainEveryMs ?? 0) > 0
      ? scheduleFeedbackRetraining({ store, everyMs: options.retrainEveryMs as number, log })
      : undefined;
  // Also at start: a server restarted more often than its interval would otherwise never queue.
  void retraining?.runNow();
  return {
    url: server.url,
    port: server.port,
    state,
    close: async () => {
      jobs?.stop();
      retraining?.stop();
      watcher?.stop();
      batches?.stop();
      await batches?.idle();
      await server.close();
      await service.close();
    },
  };
}
