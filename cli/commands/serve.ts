import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hscodeHome, storeKeys } from '../../models/store-layout';
import { createHttpHandler } from '../../runtime/http/handler';
import { startHttpServer } from '../../runtime/http/local-server';
import { HttpMetrics } from '../../runtime/http/metrics';
import { watchIncoming } from '../../runtime/local/incoming-watcher';
import { scheduleJobs } from '../../runtime/local/job-schedule';
import { latestLocalModel, openLocalService } from '../../runtime/local/local-service';
import { readLocalAudit } from '../../runtime/jobs/live-outcomes';
import { buildDashboard } from '../../runtime/monitoring/dashboard-data';
import { Registry } from '../../runtime/registry/registry';
import { cachedRoutingState } from '../../runtime/registry/registry-state';

const DEFAULT_PORT = 8080;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const seconds = (value: string) => {
  const n = Number(value);
  if (!(n >= 0)) throw new InvalidArgumentError('expected a number of seconds ≥ 0');
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
    .option(
      '--promote-every <seconds>',
      'how often the promote job and the drift check run (0 = never)',
      seconds,
      60,
    )
    .option(
      '--retrain-options <flags>',
      'extra flags for the retrain job (see "hscode jobs retrain --help")',
      '',
    )
    .addHelpText(
      'after',
      `
The store folder is $HSCODE_HOME (default ./var): models, registry/state.json, audit/ and feedback/.

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
        retrainOptions: string;
        promoteEvery: number;
      }) => {
        const home = hscodeHome();
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const started = Date.now();
        const registered = existsSync(join(home, storeKeys.registryState));
        if (!registered && !latestLocalModel(home) && opts.train) {
          // Loaded only when needed: TensorFlow.js would add a quarter of a second to every start.
          const { trainDefaultModel } = await import('../default-model');
          await trainDefaultModel(home, log);
        }
        // Model load failures reach the metrics through the service's log lines.
        const metrics = new HttpMetrics();
        const { service, store, state } = await openLocalService({
          home,
          log: metrics.countingModelLoadFailures(log),
          recordText: opts.recordText,
        });
        const latest = latestLocalModel(home);
        if (latest && latest.version !== state.champion.version) {
          log(
            `note: the newest local model ${latest.version} is not the champion (${state.champion.version}); the registry decides what serves`,
          );
        }
        const handler = createHttpHandler({
          service,
          log,
          metrics,
          registry: cachedRoutingState(store),
          dashboard: () =>
            buildDashboard({ store, registry: new Registry(store), audit: () => readLocalAudit(home) }),
        });
        const server = await startHttpServer({ handler, port: opts.port, host: opts.host, log });
        log(
          `champion ${state.champion.variant}/${state.champion.version}, store ${home}, ready in ${Date.now() - started} ms`,
        );
        // Loopback reads better as localhost, and it is the address a browser on this machine uses.
        const url = LOOPBACK.has(opts.host) ? `http://localhost:${server.port}/` : server.url;
        process.stdout.write(`${url}\n`);
        const watcher = opts.jobs
          ? watchIncoming({
              folder: join(home, storeKeys.incomingData),
              // This same CLI, started the way this process was (compiled, or TypeScript via tsx).
              command: [
                process.execPath,
                ...process.execArgv,
                process.argv[1] as string,
                'jobs',
                'retrain',
                ...opts.retrainOptions.split(/\s+/).filter(Boolean),
              ],
              env: { ...process.env, HSCODE_HOME: home },
              log,
            })
          : undefined;
        if (watcher) log(`retraining on labelled files dropped into ${join(home, storeKeys.incomingData)}`);
        const promoter =
          opts.jobs && opts.promoteEvery > 0
            ? scheduleJobs({ home, store, everyMs: opts.promoteEvery * 1000, log })
            : undefined;
        const stop = async () => {
          promoter?.stop();
          watcher?.stop();
          log('stopping: finishing requests in flight and flushing audit records');
          await server.close();
          await service.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      },
    );
}
