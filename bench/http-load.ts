/**
 * HTTP load benchmark: autocannon against the real server (handler, node:http adapter, predict
 * service, audit trail) on a tiny trained Text-CNN, POST /v1/predict with one description per
 * request. The server runs in a child process so the load generator does not share its event loop.
 *
 *   npx tsx bench/http-load.ts [--duration 30] [--connections 50] [--home DIR]
 *
 * With --home, the compiled `hscode serve` (npm run build first) serves that store's champion
 * instead: the real default model, as `npm start` runs it.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { modelRefKey } from '../models/model-ref';

import { autocannon } from './autocannon';

const DESCRIPTIONS = [
  "men's cotton t-shirt, knitted",
  'live ornamental fish',
  'frozen fish fillets',
  'fresh cut roses',
  'stainless steel kitchen knife',
];

function flag(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** Child: train the tiny model, serve it on a free port, report the address, stop when told. */
async function serve(): Promise<void> {
  const { startTestServer } = await import('../tests/helpers/test-server');
  const server = await startTestServer();
  process.send?.({
    url: server.url,
    model: modelRefKey(server.model.ref),
    labels: server.model.manifest.labels.count,
  });
  process.once('disconnect', () => {
    // The run leaves tens of thousands of audit records behind: remove the temporary store too.
    void server
      .close()
      .then(() => rmSync(server.home, { recursive: true, force: true }))
      .then(() => process.exit(0));
  });
}

interface Served {
  url: string;
  model: string;
  labels: number;
}

function startServerProcess(): Promise<{ child: ChildProcess; served: Served }> {
  const child = fork(__filename, ['--serve'], { execArgv: process.execArgv, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (served) => resolve({ child, served: served as Served }));
    child.once('exit', (code) => reject(new Error(`the server process exited with code ${code}`)));
  });
}

/** The compiled CLI serving an existing store, without training or background jobs. */
function startRealServer(home: string): Promise<{ child: ChildProcess; served: Served }> {
  const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
  const child = spawn(process.execPath, [entry, 'serve', '--port', '0', '--no-train', '--no-jobs'], {
    env: { ...process.env, HSCODE_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const url = /(http:\/\/\S+?)\/?\n/.exec(chunk.toString())?.[1];
      if (!url) return;
      const state = JSON.parse(readFileSync(join(home, 'registry', 'state.json'), 'utf8')) as {
        champion: { variant: string; version: string };
      };
      const { variant, version } = state.champion;
      const manifest = JSON.parse(
        readFileSync(join(home, 'models', variant, version, 'manifest.json'), 'utf8'),
      ) as {
        labels: { count: number };
      };
      resolve({
        child,
        served: { url, model: modelRefKey({ variant, version }), labels: manifest.labels.count },
      });
    });
    child.once('exit', (code) => reject(new Error(`hscode serve exited with code ${code}`)));
  });
}

async function main(): Promise<void> {
  const duration = flag('duration', 30);
  const connections = flag('connections', 50);
  const homeAt = process.argv.indexOf('--home');
  const home = homeAt >= 0 ? process.argv[homeAt + 1] : undefined;
  const { child, served } = home ? await startRealServer(home) : await startServerProcess();
  try {
    const run = (seconds: number, body: string) =>
      autocannon({
        url: `${served.url}/v1/predict`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        duration: seconds,
      });
    const body = JSON.stringify({ descriptions: [DESCRIPTIONS[0]] });
    await run(3, body); // warm-up: JIT, ONNX Runtime arenas, keep-alive connections
    const result = await run(duration, body);

    const cpu = cpus();
    const lines = [
      `POST /v1/predict, 1 description, ${connections} connections, ${duration} s (after a 3 s warm-up)`,
      `  requests/s   ${result.requests.average.toFixed(0)} (total ${result.requests.total})`,
      `  latency      p50 ${result.latency.p50} ms · p99 ${result.latency.p99} ms · max ${result.latency.max} ms`,
      `  errors       ${result.errors} (timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
      `  model        ${served.model} (${home ? 'hscode serve' : 'tiny'}: ${served.labels} classes), server in a child process`,
      `  machine      ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`,
      `  date         ${new Date().toISOString()}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
