import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { releaseSharedSessions } from '../runtime/core/session-cache';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * The abuse that once slowed ordinary predictions to seconds or held memory until a minute-long
 * timeout, each for a few seconds against the real server over loopback, while one client keeps
 * asking for ordinary predictions. The latency bound is generous (the machine is shared with
 * other work); what it must catch is the old behaviour, where predictions waited seconds.
 */

const ORDINARY = JSON.stringify({ descriptions: ["men's cotton knitted t-shirt"], topK: 3 });
// The old behaviour: p50 of 1.8 s to 2.9 s while the abuse ran (with this tiny model, two
// predictions in three seconds during the explain requests); the suite runs on a shared machine.
const MAX_P50_MS = 750;
const MAX_P99_MS = 3_000;

let server: TestServer;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  server = await startTestServer({
    connectionLimits: {
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 2_000,
      maxBufferedBytes: 16 * 1024 * 1024,
    },
  });
}, 120_000);
afterAll(async () => {
  agent.destroy();
  await server.close();
  await releaseSharedSessions();
});

function post(path: string, body: string, options: { agent?: Agent | false } = {}): Promise<number> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path,
        method: 'POST',
        agent: options.agent ?? agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Ordinary predictions one after another for `ms`; their latencies, all of which must be 200. */
async function ordinaryLatencies(ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const started = performance.now();
    expect(await post('/v1/predict', ORDINARY)).toBe(200);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

function expectOrdinaryLatency(latencies: number[]): void {
  expect(latencies.length).toBeGreaterThan(5);
  expect(percentile(latencies, 50)).toBeLessThan(MAX_P50_MS);
  expect(percentile(latencies, 99)).toBeLessThan(MAX_P99_MS);
}

/** Runs `attack` in `workers` loops until `stop`, counting the statuses it got. */
async function whileAttacking(
  workers: number,
  attack: () => Promise<number>,
  measure: () => Promise<number[]>,
): Promise<{ latencies: number[]; statuses: Map<number, number>; seconds: number }> {
  const statuses = new Map<number, number>();
  const started = Date.now();
  let stop = false;
  const loops = Array.from({ length: workers }, async () => {
    while (!stop) {
      const status = await attack().catch(() => -1);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  });
  const latencies = await measure();
  stop = true;
  await Promise.all(loops);
  return { latencies, statuses, seconds: (Date.now() - started) / 1000 };
}

const open = (): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on('error', reject);
  });

describe('ordinary predictions while the server is abused', () => {
  it('stay fast during a flood of feedback for unknown ids, which is cut to the rate limit', async () => {
    const agents = Array.from({ length: 16 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    let next = 0;
    const { latencies, statuses, seconds } = await whileAttacking(
      16,
      () =>
        post('/v1/feedback', JSON.stringify({ predictionId: randomUUID(), hs6: '610910' }), {
          agent: agents[next++ % agents.length] as Agent,
        }),
      () => ordinaryLatencies(3_000),
    );
    for (const a of agents) a.destroy();
    expectOrdinaryLatency(latencies);
    // Everything over the burst (20) and the rate (5/s) is refused before any lookup.
    const taken = [...statuses].filter(([status]) => status !== 429).reduce((n, [, count]) => n + count, 0);
    expect(taken).toBeLessThanOrEqual(20 + Math.ceil(5 * seconds) + 1);
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
  }, 30_000);

  it('stay fast during expensive explain requests, which are refused with 413 before any model work', async () => {
    const long = Array.from({ length: 160 }, (_, i) => `w${i}x`)
      .join(' ')
      .padEnd(1000, 'y');
    const expensive = JSON.stringify({ descriptions: Array(256).fill(long), topK: 20, explain: true });
    const { latencies, statuses } = await whileAttacking(
      8,
      () => post('/v1/predict', expensive, { agent: false }),
      () => ordinaryLatencies(3_000),
    );
    expectOrdinaryLatency(latencies);
    expect([...statuses.keys()]).toEqual([413]);
  }, 30_000);

  it('stay fast while 300 connections send headers slowly, and those are cut after the header timeout', async () => {
    const slow = await Promise.all(Array.from({ length: 300 }, () => open()));
    const closedAt: number[] = [];
    const started = Date.now();
    for (const socket of slow) {
      socket.on('close', () => closedAt.push(Date.now() - started));
      socket.on('error', () => undefined);
      socket.resume();
      socket.write('POST /v1/predict HTTP/1.1\r\nHost: localhost\r\n');
    }
    const drip = setInterval(() => {
      for (const socket of slow) if (socket.writable) socket.write('X-Slow: 1\r\n');
    }, 200);
    const latencies = await ordinaryLatencies(2_500);
    const deadline = Date.now() + 5_000;
    while (closedAt.length < slow.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    clearInterval(drip);
    expectOrdinaryLatency(latencies);
    expect(closedAt).toHaveLength(300);
    // Header timeout 1 s, checked every 0.5 s: never the minute it once took.
    expect(Math.max(...closedAt)).toBeLessThan(4_000);
  }, 30_000);

  it('stay fast while 300 connections each send most of a 1 MiB body and stop; the server holds at most its cap', async () => {
    const uploads = await Promise.all(Array.from({ length: 300 }, () => open()));
    const answers: string[] = [];
    const chunk = ' '.repeat(64 * 1024);
    for (const socket of uploads) {
      let text = '';
      socket.on('data', (data: Buffer) => (text += data.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => answers.push(text.slice(0, 12)));
      socket.write(
        'POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n',
      );
    }
    // 900 kB each, 64 kB at a time: 270 MB if it were all held.
    for (let sent = 0; sent < 900_000; sent += chunk.length) {
      for (const socket of uploads) if (socket.writable) socket.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const latencies = await ordinaryLatencies(2_000);
    const deadline = Date.now() + 8_000;
    while (answers.length < uploads.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expectOrdinaryLatency(latencies);
    // Past the 16 MiB cap uploads are refused at once with 503; the rest time out with 408.
    expect(answers).toHaveLength(300);
    expect(answers.filter((a) => a.startsWith('HTTP/1.1 503')).length).toBeGreaterThan(250);
    expect(answers.every((a) => /^HTTP\/1\.1 (503|408)/.test(a))).toBe(true);
  }, 40_000);
});
