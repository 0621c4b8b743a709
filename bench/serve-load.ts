/**
 * `hscode serve` under load and under abuse, against a bare node:http server in the same run.
 *
 *   npx tsx bench/serve-load.ts --home DIR [--duration 10] [--rounds 2] [--workers N]
 *
 * 1. Throughput: autocannon, POST /v1/predict with one description, at 50 and 200 connections,
 *    alternating the bare server (a fixed JSON body) and `hscode serve` round by round; the load
 *    generator shares the machine with both.
 * 2. Abuse: ordinary predictions (10 connections) measured while each hostile scenario runs:
 *    slow headers and big unfinished bodies from 300 connections, expensive explain requests,
 *    a feedback flood for unknown ids; with the server's resident memory before and during.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { startServeProcess } from '../tests/helpers/serve-process';
import { autocannon, type AutocannonResult } from './autocannon';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const home = option('home');
const duration = Number(option('duration', '10'));
const rounds = Number(option('rounds', '2'));
const workers = Number(option('workers', String(availableParallelism())));
const ORDINARY = JSON.stringify({ descriptions: ["men's cotton t-shirt, knitted"] });

const BARE_SERVER = `
const http = require('node:http');
const body = JSON.stringify({ predictions: [{ hs6: '610910', probability: 0.9 }] });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body));
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));`;

function started(child: ChildProcess): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /(http:\/\/\S+?)\/?\n/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
  });
}

/** Resident memory of a process and all its descendants, in MiB (Linux `ps`). */
function treeRssMiB(pid: number): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const inTree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, parent] of rows)
      if (inTree.has(parent) && !inTree.has(p)) {
        inTree.add(p);
        grew = true;
      }
  }
  return rows.filter(([p]) => inTree.has(p)).reduce((sum, [, , rss]) => sum + rss, 0) / 1024;
}

const load = (url: string, connections: number, seconds = duration, body = ORDINARY) =>
  autocannon({
    url: `${url}/v1/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });

function post(url: string, path: string, body: string, agent: Agent | false): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: hostname, port, path, method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

const sockets = (url: string, count: number): Promise<Socket[]> => {
  const { hostname, port } = new URL(url);
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(Number(port), hostname, () => resolve(socket));
          socket.on('error', () => undefined);
          socket.resume();
        }),
    ),
  );
};

interface Abuse {
  name: string;
  /** Starts the abuse; returns what stops it and what it saw. */
  start(url: string): Promise<() => Promise<string>>;
}

const loops = (count: number, once: () => Promise<number>) => {
  const statuses = new Map<number, number>();
  let stop = false;
  const running = Array.from({ length: count }, async () => {
    while (!stop) {
      const status = await once();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  });
  return async () => {
    stop = true;
    await Promise.all(running);
    return [...statuses].map(([status, n]) => `${n}× ${status}`).join(', ');
  };
};

const LONG = Array.from({ length: 160 }, (_, i) => `w${i}x`)
  .join(' ')
  .padEnd(1000, 'y');

const ABUSES: Abuse[] = [
  { name: 'none', start: async () => async () => '' },
  {
    name: 'slow headers, 300 connections',
    start: async (url) => {
      const open = await sockets(url, 300);
      let closed = 0;
      for (const s of open) {
        s.on('close', () => closed++);
        s.write('POST /v1/predict HTTP/1.1\r\nHost: localhost\r\n');
      }
      const drip = setInterval(() => open.forEach((s) => s.writable && s.write('X-Slow: 1\r\n')), 500);
      const at = Date.now();
      return async () => {
        clearInterval(drip);
        const result = `${closed} of 300 cut by the server within ${((Date.now() - at) / 1000).toFixed(0)} s`;
        open.forEach((s) => s.destroy());
        return result;
      };
    },
  },
  {
    name: '300 connections each send 900 kB of a 1 MB body and stop',
    start: async (url) => {
      const open = await sockets(url, 300);
      const answers = new Map<string, number>();
      const chunk = ' '.repeat(64 * 1024);
      for (const s of open) {
        let first = '';
        s.on('data', (d: Buffer) => {
          if (!first) {
            first = d.toString().slice(9, 12);
            answers.set(first, (answers.get(first) ?? 0) + 1);
          }
        });
        s.write(
          'POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n',
        );
      }
      for (let sent = 0; sent < 900_000; sent += chunk.length) {
        for (const s of open) if (s.writable) s.write(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return async () => {
        open.forEach((s) => s.destroy());
        return [...answers].map(([status, n]) => `${n}× ${status}`).join(', ');
      };
    },
  },
  {
    name: '8 clients sending explain requests of 256 × 1,000 characters, topK 20',
    start: async (url) => {
      const body = JSON.stringify({ descriptions: Array(256).fill(LONG), topK: 20, explain: true });
      return loops(8, () => post(url, '/v1/predict', body, false));
    },
  },
  {
    name: '8 clients sending the costliest explain request the budget allows',
    start: async (url) => {
      // 1 description of 1,000 characters and 161 distinct words: 161,000 + candidates.
      const body = JSON.stringify({ descriptions: [LONG], topK: 20, explain: true });
      return loops(8, () => post(url, '/v1/predict', body, false));
    },
  },
  {
    name: 'feedback flood: 16 clients, unknown prediction ids',
    start: async (url) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 16 });
      return loops(16, () =>
        post(url, '/v1/feedback', JSON.stringify({ predictionId: randomUUID(), hs6: '610910' }), agent),
      );
    },
  },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main(): Promise<void> {
  if (!home) throw new Error('--home DIR: a store with a champion (hscode train), as hscode serve uses');
  const bare = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const served = await startServeProcess(home, ['--no-jobs', '--no-batch', '--workers', String(workers)]);
  const serve = served.child;
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  try {
    const [bareUrl, serveUrl] = [await started(bare), served.url];
    const targets = { bare: bareUrl, serve: serveUrl };
    for (const url of Object.values(targets)) await load(url, 50, 3); // warm-up
    const results: Record<string, AutocannonResult[]> = {};
    for (let round = 0; round < rounds; round++) {
      for (const connections of [50, 200]) {
        const order = round % 2 ? (['serve', 'bare'] as const) : (['bare', 'serve'] as const);
        for (const name of order) {
          const result = await load(targets[name], connections);
          (results[`${name} ${connections}`] ??= []).push(result);
          process.stderr.write(
            `round ${round + 1} ${name} ${connections}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms, errors ${result.errors}, non-2xx ${result.non2xx}\n`,
          );
        }
      }
    }
    const cpu = cpus();
    print(
      `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; date ${new Date().toISOString()}`,
    );
    print(`hscode serve --workers ${workers}; ${rounds} rounds of ${duration} s each, alternating; medians`);
    print('');
    print('| server | connections | requests/s | p50 ms | p99 ms | max ms | errors + non-2xx |');
    print('|---|---|---|---|---|---|---|');
    for (const connections of [50, 200]) {
      for (const name of ['bare', 'serve']) {
        const runs = results[`${name} ${connections}`] ?? [];
        print(
          `| ${name === 'bare' ? 'bare node:http' : 'hscode serve'} | ${connections} | ${median(runs.map((r) => r.requests.average)).toFixed(0)} | ${median(runs.map((r) => r.latency.p50))} | ${median(runs.map((r) => r.latency.p99))} | ${Math.max(...runs.map((r) => r.latency.max))} (worst run) | ${runs.reduce((n, r) => n + r.errors + r.non2xx, 0)} |`,
        );
      }
      const ratio =
        median((results[`serve ${connections}`] ?? []).map((r) => r.requests.average)) /
        median((results[`bare ${connections}`] ?? []).map((r) => r.requests.average));
      print(`| ratio | ${connections} | **${ratio.toFixed(2)}** | | | | |`);
    }
    print('');
    print(
      '| abuse (while 10 connections ask for ordinary predictions) | requests/s | p50 ms | p99 ms | max ms | RSS before → during, MiB | what the abuse got |',
    );
    print('|---|---|---|---|---|---|---|');
    for (const abuse of ABUSES) {
      const before = treeRssMiB(serve.pid as number);
      const stop = await abuse.start(serveUrl);
      const during = load(serveUrl, 10);
      await new Promise((resolve) => setTimeout(resolve, (duration * 1000) / 2));
      const rss = treeRssMiB(serve.pid as number);
      const result = await during;
      const got = await stop();
      print(
        `| ${abuse.name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${result.latency.max} | ${before.toFixed(0)} → ${rss.toFixed(0)} | ${got} |`,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  } finally {
    bare.kill();
    serve.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
