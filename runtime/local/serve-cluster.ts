import cluster, { type Worker } from 'node:cluster';
import { createServer, type AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import type { ConnectionLimits } from '../http/local-server';
import { DEFAULT_CONNECTION_LIMITS } from '../http/local-server';
import type { RateLimit } from '../http/rate-limit';
import { DEFAULT_FEEDBACK_RATE } from '../http/handler';
import {
  ownDashboard,
  startBackground,
  startServing,
  type BackgroundOptions,
  type EmbeddedServer,
  type ServingOptions,
} from './embedded-server';
import { openLocalService } from './local-service';
import { errorMessage } from '../core/errors';
import { heldStartupLog } from './startup-failure';

/** What travels between the primary and its workers (each message names itself). */
type Message =
  | { hscode: 'listening'; url: string; port: number }
  | { hscode: 'failed'; error: string; code?: string }
  | { hscode: 'ask'; id: number; kind: 'dashboard' | 'metrics' | 'flush-audit' }
  | { hscode: 'answer'; id: number; value?: unknown; error?: string }
  | { hscode: 'flush-audit'; id: number }
  | { hscode: 'flushed'; id: number }
  | { hscode: 'shutdown' };

const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && typeof (value as { hscode?: unknown }).hscode === 'string';

// A worker that stops before it listens, or within this long after, failed to start; after this
// many such failures per worker in a row, none is started again. Each restart waits twice as
// long as the one before, up to MAX_RESTART_DELAY_MS.
const EARLY_EXIT_MS = 10_000;
const MAX_EARLY_EXITS = 3;
const FIRST_RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 5_000;
/** Tries at a free port for `--port 0`: another program may take the one picked before a worker binds it. */
const FREE_PORT_TRIES = 3;
const SHUTDOWN_GRACE_MS = 15_000;
const ASK_TIMEOUT_MS = 10_000;
/**
 * How long a metrics scrape waits for workers still starting, which cannot answer it yet; with
 * prom-client's own 5 s for their answers, it stays inside the worker's ASK_TIMEOUT_MS.
 */
const METRICS_WAIT_MS = 2_000;
/**
 * The port every worker listens on, set in its environment by the primary: with `--port 0` the
 * primary picks one free port first, since workers listening on 0 share a port only while one of
 * them holds it (one forked after every other had died would get another).
 */
const WORKER_PORT_ENV = 'HSCODE_WORKER_PORT';

/** A port free on `host` now (the operating system's pick). */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export type ClusterOptions = BackgroundOptions & ServingOptions & { workers: number };

/**
 * Each worker's share of the server's limits: connections and buffered bytes are split, and so is
 * the feedback rate, since the primary hands a client's connections to the workers in turn.
 */
export function workerShare(
  workers: number,
  connection: Partial<ConnectionLimits> = {},
  feedbackRate: RateLimit = DEFAULT_FEEDBACK_RATE,
): { connection: Partial<ConnectionLimits>; feedbackRate: RateLimit } {
  const total = { ...DEFAULT_CONNECTION_LIMITS, ...connection };
  return {
    connection: {
      ...total,
      maxConnections: Math.max(1, Math.floor(total.maxConnections / workers)),
      maxBufferedBytes: Math.max(1, Math.floor(total.maxBufferedBytes / workers)),
    },
    feedbackRate: {
      perSecond: feedbackRate.perSecond / workers,
      burst: Math.max(1, Math.floor(feedbackRate.burst / workers)),
    },
  };
}

/**
 * The primary of `hscode serve --workers N`: registers the champion, runs the background work
 * once (jobs, watchers, batch folder: the only writer of the registry), and starts N workers
 * that each load the models from the same store and answer HTTP on the same port. It answers the
 * workers' questions (the dashboard from its one audit trail, the metrics of every process, a
 * flush of every audit buffer) and restarts a worker that dies, unless it keeps dying at start;
 * if the first worker cannot start, neither does the server.
 */
export async function startClusterPrimary(options: ClusterOptions): Promise<EmbeddedServer> {
  const { log } = options;
  // The primary's own models (for batch files and jobs) load on first use: loading them before
  // the workers start would put a whole model load on the path to the first answer.
  const { service, store, state } = await openLocalService({
    home: options.home,
    log,
    recordText: options.recordText,
    preload: false,
  });
  const own = ownDashboard(options.home, store);
  const background = startBackground(options, { store, service, audit: own.audit });
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let earlyExits = 0;
  let nextId = 0;
  const flushes = new Map<number, { waiting: Set<Worker>; done: () => void }>();
  // Workers that answer requests; a worker still starting reads no message yet, so none is sent
  // to it. Metrics wait for the ones starting, which then report too.
  const listening = new Set<Worker>();
  const starting = new Set<Promise<unknown>>();

  const flushEveryWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const id = nextId++;
      const waiting = new Set([...listening].filter((w) => w.isConnected()));
      if (waiting.size === 0) return resolve();
      const timer = setTimeout(() => finish(), ASK_TIMEOUT_MS).unref();
      const finish = () => {
        clearTimeout(timer);
        flushes.delete(id);
        resolve();
      };
      flushes.set(id, { waiting, done: finish });
      for (const worker of waiting) worker.send({ hscode: 'flush-audit', id } satisfies Message);
    });

  const answer = async (kind: 'dashboard' | 'metrics' | 'flush-audit'): Promise<unknown> => {
    if (kind === 'dashboard') return own.dashboard();
    if (kind === 'metrics') {
      // A worker that fails while starting may be replaced by another that starts: wait again.
      const deadline = Date.now() + METRICS_WAIT_MS;
      while (starting.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...starting]),
          new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
        ]);
        clearTimeout(timer);
      }
      return { contentType: aggregator.contentType, text: await aggregator.clusterMetrics() };
    }
    return flushEveryWorker();
  };

  const onMessage = (worker: Worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.hscode === 'ask') {
      answer(message.kind).then(
        (value) =>
          worker.isConnected() && worker.send({ hscode: 'answer', id: message.id, value } satisfies Message),
        (err: unknown) =>
          worker.isConnected() &&
          worker.send({ hscode: 'answer', id: message.id, error: String(err) } satisfies Message),
      );
    } else if (message.hscode === 'flushed') {
      const flush = flushes.get(message.id);
      flush?.waiting.delete(worker);
      if (flush && flush.waiting.size === 0) flush.done();
    }
  };

  // Workers are restarted only once the first one listens: until then a failure fails the start.
  let started = false;

  let port = options.port;

  const fork = (): Promise<{ url: string; port: number }> => {
    const worker = cluster.fork({ [WORKER_PORT_ENV]: String(port) });
    let failure: { error: string; code?: string } | undefined;
    worker.on('message', (message: unknown) => {
      if (isMessage(message) && message.hscode === 'failed') failure = message;
      onMessage(worker, message);
    });
    // 'exit' can come before the worker's last message is read: wait one turn for its reason.
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      worker.once('exit', (code, signal) => setImmediate(() => resolve({ code, signal }))),
    );
    let listenedAt: number | undefined;
    void exited.then(({ code, signal }) => {
      listening.delete(worker);
      for (const flush of flushes.values()) {
        flush.waiting.delete(worker);
        if (flush.waiting.size === 0) flush.done();
      }
      if (stopping || !started) return;
      const failedToStart = listenedAt === undefined || Date.now() - listenedAt < EARLY_EXIT_MS;
      earlyExits = failedToStart ? earlyExits + 1 : 0;
      const how = `${signal ? `signal ${signal}` : `exit code ${code}`}${failure ? `: ${failure.error}` : ''}`;
      if (earlyExits >= MAX_EARLY_EXITS * options.workers) {
        log(
          `worker ${worker.process.pid} stopped (${how}); workers keep failing at start, so none is started again`,
        );
        return;
      }
      log(`worker ${worker.process.pid} stopped (${how}); starting another`);
      const delay = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** Math.max(0, earlyExits - 1));
      // Not unref'd: with every worker gone, this timer is what keeps the primary alive.
      setTimeout(() => {
        if (!stopping) void fork().catch(() => undefined);
      }, delay);
    });
    const listened = new Promise<{ url: string; port: number }>((resolve, reject) => {
      worker.on('message', (message: unknown) => {
        if (!isMessage(message) || message.hscode !== 'listening') return;
        listening.add(worker);
        listenedAt = Date.now();
        if (listening.size === options.workers) log(`all ${options.workers} workers are listening`);
        resolve(message);
      });
      void exited.then(({ code }) =>
        reject(
          failure
            ? Object.assign(
                new Error(failure.error),
                failure.code === undefined ? {} : { code: failure.code },
              )
            : new Error(`a worker exited with code ${code} before it listened`),
        ),
      );
    });
    starting.add(listened);
    const settled = () => starting.delete(listened);
    listened.then(settled, settled);
    return listened;
  };

  let first: { url: string; port: number };
  try {
    // One worker first, with the cores to itself: the server answers as soon as one worker can,
    // not once every worker, each slowed by the others loading beside it, is ready.
    for (let tries = 1; ; tries++) {
      if (options.port === 0) port = await freePort(options.host);
      try {
        first = await fork();
        break;
      } catch (err) {
        const taken = (err as { code?: unknown }).code === 'EADDRINUSE';
        if (!(options.port === 0 && taken && tries < FREE_PORT_TRIES)) throw err;
      }
    }
    started = true;
  } catch (err) {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    // A worker sends only its error's message; loading here gives the error itself (a model that
    // fails its checks, a store that cannot be read), which the start-up message is built from.
    const reason = await service.preload().then(
      () => err,
      (loadError: unknown) => loadError,
    );
    await background.stop();
    await service.close();
    throw reason;
  }
  // The others listen on the same port; one that fails at start is started again, as a worker
  // that dies later is.
  for (let i = 1; i < options.workers; i++) void fork().catch(() => undefined);
  return {
    url: first.url,
    port: first.port,
    state,
    close: async () => {
      stopping = true;
      await background.stop();
      const exits = Object.values(cluster.workers ?? {}).map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (!worker || worker.isDead()) return resolve();
            const force = setTimeout(() => worker.kill('SIGKILL'), SHUTDOWN_GRACE_MS).unref();
            worker.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            // One still starting has answered nothing and reads no message yet: it is just stopped.
            if (!listening.has(worker)) worker.process.kill('SIGTERM');
            else if (worker.isConnected()) worker.send({ hscode: 'shutdown' } satisfies Message);
          }),
      );
      await Promise.all(exits);
      await service.close();
    },
  };
}

/**
 * One worker of `hscode serve --workers N`: the predict service and the HTTP API, with its share of
 * the limits; what only one process may hold it asks the primary for. Stops (finishing requests in
 * flight and flushing its audit records) when the primary says so or on SIGTERM/SIGINT.
 */
export async function startClusterWorker(options: ClusterOptions): Promise<void> {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  const ask = (kind: 'dashboard' | 'metrics' | 'flush-audit') =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the primary process did not answer (${kind}) within ${ASK_TIMEOUT_MS / 1000} s`));
      }, ASK_TIMEOUT_MS).unref();
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      process.send?.({ hscode: 'ask', id, kind } satisfies Message);
    });

  // As in the primary, the model pool's "retry in …" lines are held until this worker listens: a
  // worker that cannot start leaves saying so to the primary, which tells the user why, once.
  const startup = heldStartupLog(options.log);
  let serving: Awaited<ReturnType<typeof startServing>>;
  try {
    serving = await startWorkerServing({ ...options, log: startup.log }, ask);
  } catch (err) {
    // Exits itself: the open IPC channel would otherwise keep this process alive.
    const code = (err as { code?: unknown }).code;
    const failed: Message = {
      hscode: 'failed',
      error: errorMessage(err),
      ...(typeof code === 'string' && { code }),
    };
    process.send?.(failed, () => process.exit(1));
    return;
  }
  startup.release();
  AggregatorRegistry.setRegistries([serving.metrics.registry]);

  let closing: Promise<void> | undefined;
  const stop = () => {
    closing ??= serving
      .close()
      .catch((err: unknown) => options.log(`worker ${process.pid}: stopping failed: ${String(err)}`))
      .finally(() => process.exit(0));
    return closing;
  };
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.hscode === 'answer') {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.value);
    } else if (message.hscode === 'flush-audit') {
      void serving.service
        .drain()
        .catch(() => undefined)
        .then(() => process.send?.({ hscode: 'flushed', id: message.id } satisfies Message));
    } else if (message.hscode === 'shutdown') {
      void stop();
    }
  });
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  // The primary is gone (killed): nobody will say when to stop, so stop now.
  process.once('disconnect', () => void stop());
  process.send?.({ hscode: 'listening', url: serving.url, port: serving.port } satisfies Message);
}

/** A worker's predict service and HTTP API, with its share of the limits. */
function startWorkerServing(
  options: ClusterOptions,
  ask: (kind: 'dashboard' | 'metrics' | 'flush-audit') => Promise<unknown>,
) {
  const share = workerShare(options.workers, options.connectionLimits, options.httpLimits?.feedbackRate);
  const announced = process.env[WORKER_PORT_ENV];
  // Workers answer the primary's requests for their metrics (prom-client's cluster protocol).
  new AggregatorRegistry();
  return startServing(
    {
      ...options,
      ...(announced !== undefined && { port: Number(announced) }),
      connectionLimits: share.connection,
      httpLimits: { ...options.httpLimits, feedbackRate: share.feedbackRate },
    },
    () => ({
      dashboard: () => ask('dashboard'),
      metrics: () => ask('metrics') as Promise<{ contentType: string; text: string }>,
      flushAudit: () => ask('flush-audit').then(() => undefined),
    }),
  );
}
