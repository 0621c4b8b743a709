import { Command, InvalidArgumentError } from 'commander';
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BATCH_OUTPUT_PREFIX, TRIGGER_PREFIXES } from '../../models/deployment';
import { modelRefKey } from '../../models/model-ref';
import { hscodeHome, storeKeys } from '../../models/store-layout';
import { DEFAULT_MAX_REQUEST_COST } from '../../runtime/http/request-cost';
import { MAX_INTERVAL_MS } from '../../runtime/local/interval';

const DEFAULT_PORT = 8080;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** An interval option in `unit`s of `unitMs`: 0 (off) up to what Node's timers can hold. */
const interval = (unit: string, unitMs: number) => (value: string) => {
  const n = Number(value);
  const max = Math.floor(MAX_INTERVAL_MS / unitMs);
  if (!(n >= 0 && n <= max)) throw new InvalidArgumentError(`expected a number of ${unit} from 0 to ${max}`);
  return n;
};
const seconds = interval('seconds', 1000);
const hours = interval('hours', 3600 * 1000);

const positiveInteger = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected ${what}: a whole number from 1`);
  return n;
};
const timeoutSeconds = (value: string) => {
  const n = Number(value);
  if (!(n >= 0.1 && n <= 3600))
    throw new InvalidArgumentError('expected a number of seconds from 0.1 to 3600');
  return n;
};
const perSecond = (value: string) => {
  const n = Number(value);
  if (!(n > 0 && n <= 100_000)) throw new InvalidArgumentError('expected requests per second, above 0');
  return n;
};
const milliseconds = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1000)) throw new InvalidArgumentError('expected milliseconds from 0 to 1000');
  return n;
};

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0..65535');
  return n;
};

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Serve the HTTP API and the web page from the local store (trains the default model first if there is none)',
    )
    .option(
      '--port <n>',
      'port to listen on (env PORT)',
      port,
      process.env.PORT ? port(process.env.PORT) : DEFAULT_PORT,
    )
    .option('--host <address>', 'address to listen on; 0.0.0.0 serves the network', '127.0.0.1')
    .option('--no-train', 'fail instead of training when the store has no model')
    .option(
      '--record-text',
      'keep description texts in audit and feedback records (default: only their sha256)',
    )
    .option(
      '--no-jobs',
      'neither retrain on files dropped into $HSCODE_HOME/data/incoming/ nor run the promote job',
    )
    .option('--no-batch', 'do not predict files dropped into $HSCODE_HOME/batch/in/')
    .option(
      '--coalesce-wait <ms>',
      'the longest a prediction waits to share one model call with concurrent ones (0 = only those read in the same event-loop turn)',
      milliseconds,
      1,
    )
    .option(
      '--promote-every <seconds>',
      'how often the promote job and the drift check run (0 = never)',
      seconds,
      60,
    )
    .option(
      '--retrain-every <hours>',
      'also queue the feedback collected so far for retraining this often (0 = only on dropped files and drift alarms)',
      hours,
      0,
    )
    .option(
      '--workers <n>',
      'processes answering HTTP (default: one per core); jobs and watchers run once, in the primary',
      positiveInteger('a number of workers'),
      availableParallelism(),
    )
    .option(
      '--max-connections <n>',
      'open connections at most, across workers',
      positiveInteger('a number of connections'),
      1024,
    )
    .option('--header-timeout <seconds>', 'time a client has to send its request headers', timeoutSeconds, 5)
    .option(
      '--request-timeout <seconds>',
      'time a client has to send its whole request, body included',
      timeoutSeconds,
      15,
    )
    .option(
      '--max-request-cost <units>',
      'largest cost of one prediction request (characters, times 1 + distinct words with explain, plus 10 per candidate)',
      positiveInteger('a cost'),
      DEFAULT_MAX_REQUEST_COST,
    )
    .option('--feedback-rate <per-second>', 'feedback requests one client may send per second', perSecond, 5)
    .option(
      '--retrain-options <flags>',
      'extra flags for the retrain job (see "hscode jobs retrain --help")',
      '',
    )
    .addHelpText(
      'after',
      `
The store folder is $HSCODE_HOME (default ./var): models, registry/state.json, audit/ and feedback/.
CSV, TSV or JSONL files of descriptions dropped into $HSCODE_HOME/batch/in/ are predicted into
$HSCODE_HOME/batch/out/ (see "hscode predict --help" for the formats).

Examples:
  $ hscode serve
  $ PORT=9000 HSCODE_HOME=/srv/hscode hscode serve --host 0.0.0.0
  $ curl -s localhost:8080/v1/predict -H 'content-type: application/json' \\
      -d '{"descriptions":["men'"'"'s cotton knitted t-shirt"],"topK":3}'`,
    )
    .action(
      async (opts: {
        port: number;
        host: string;
        train: boolean;
        recordText?: boolean;
        jobs: boolean;
        batch: boolean;
        coalesceWait: number;
        retrainOptions: string;
        promoteEvery: number;
        retrainEvery: number;
        workers: number;
        maxConnections: number;
        headerTimeout: number;
        requestTimeout: number;
        maxRequestCost: number;
        feedbackRate: number;
      }) => {
        // Loaded on use, so that `hscode --help` and the other commands stay quick to start.
        const [
          { startEmbeddedServer },
          { startClusterPrimary, startClusterWorker },
          { latestLocalModel },
          fatal,
        ] = await Promise.all([
          import('../../runtime/local/embedded-server'),
          import('../../runtime/local/serve-cluster'),
          import('../../runtime/local/local-models'),
          import('../../runtime/local/startup-failure'),
        ]);
        const home = hscodeHome();
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const options = {
          home,
          port: opts.port,
          host: opts.host,
          recordText: opts.recordText,
          coalesceWaitMs: opts.coalesceWait,
          workers: opts.workers,
          connectionLimits: {
            maxConnections: opts.maxConnections,
            headersTimeoutMs: opts.headerTimeout * 1000,
            requestTimeoutMs: opts.requestTimeout * 1000,
          },
          httpLimits: {
            maxRequestCost: opts.maxRequestCost,
            feedbackRate: {
              perSecond: opts.feedbackRate,
              burst: Math.max(20, Math.ceil(4 * opts.feedbackRate)),
            },
          },
          // This same CLI, started the way this process was (compiled, or TypeScript via tsx).
          retrainCommand: opts.jobs
            ? ([
                process.execPath,
                ...process.execArgv,
                process.argv[1] as string,
                'jobs',
                'retrain',
                ...opts.retrainOptions.split(/\s+/).filter(Boolean),
              ] as [string, ...string[]])
            : undefined,
          jobsEveryMs: opts.jobs ? opts.promoteEvery * 1000 : 0,
          retrainEveryMs: opts.jobs ? opts.retrainEvery * 3600 * 1000 : 0,
          batchEveryMs: opts.batch ? 1000 : 0,
          log,
        };
        // A worker of `--workers N`: the primary has trained and registered already.
        if (cluster.isWorker) {
          await startClusterWorker(options);
          return;
        }
        const started = Date.now();
        const registered = existsSync(join(home, storeKeys.registryState));
        let latest = latestLocalModel(home);
        if (!registered && !latest && opts.train) {
          // Loaded only when needed: TensorFlow.js would add a quarter of a second to every start.
          const { trainDefaultModel } = await import('../default-model');
          await trainDefaultModel(home, log);
          latest = latestLocalModel(home);
        }
        // Until it listens, the model pool's "retry in …" lines would promise what a failed start
        // never does: they are held, and shown only if the start succeeds.
        const startup = fatal.heldStartupLog(log);
        let server: Awaited<ReturnType<typeof startEmbeddedServer>>;
        try {
          server =
            opts.workers > 1
              ? await startClusterPrimary({ ...options, log: startup.log })
              : await startEmbeddedServer({ ...options, log: startup.log });
        } catch (err) {
          process.stderr.write(`${fatal.startupFailure(err, home, startup.held())}\n`);
          process.exit(1);
        }
        startup.release();
        const { champion } = server.state;
        if (latest && latest.version !== champion.version) {
          log(
            `note: the newest local model ${latest.version} is not the champion (${champion.version}); the registry decides what serves`,
          );
        }
        log(
          `champion ${modelRefKey(champion)}, store ${home}, ready in ${Date.now() - started} ms${opts.workers > 1 ? ` (1 of ${opts.workers} workers; the others are starting)` : ''}`,
        );
        if (opts.jobs) log(`retraining on labelled files dropped into ${join(home, storeKeys.incomingData)}`);
        if (opts.batch) {
          log(
            `predicting files dropped into ${join(home, TRIGGER_PREFIXES.batch)} into ${join(home, BATCH_OUTPUT_PREFIX)}`,
          );
        }
        // Loopback reads better as localhost, and it is the address a browser on this machine uses.
        const url = LOOPBACK.has(opts.host) ? `http://localhost:${server.port}/` : server.url;
        process.stdout.write(`${url}\n`);
        let stopping: Promise<void> | undefined;
        const stop = () => {
          stopping ??= (async () => {
            log('stopping: finishing requests in flight and flushing audit records');
            await server.close();
            process.exit(0);
          })();
          return stopping;
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      },
    );
}
