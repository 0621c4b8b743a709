import { connect, type Socket } from 'node:net';
import { startHttpServer, type ConnectionLimits, type RunningHttpServer } from './local-server';
import { jsonResponse } from './responses';

/** A server whose handler answers every request at once with the size of the body it got. */
const echoServer = (limits: Partial<ConnectionLimits>, host = '127.0.0.1') =>
  startHttpServer({
    port: 0,
    host,
    limits,
    log: () => undefined,
    handler: async (request) => jsonResponse(200, { bytes: request.body.byteLength, client: request.client }),
  });

const open = (server: RunningHttpServer): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });

/** Everything the server sends on this socket until it closes it, and when it closed it. */
const untilClosed = (socket: Socket): Promise<{ text: string; at: number }> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), at: Date.now() }));
  });

const request = (host: string, body = '') =>
  `POST /v1/predict HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;

describe('the local server under abuse', () => {
  const servers: RunningHttpServer[] = [];
  const start = async (limits: Partial<ConnectionLimits>, host?: string) => {
    const server = await echoServer(limits, host);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('bound to loopback, answers 403 to a request addressed to another name (DNS rebinding)', async () => {
    const server = await start({});
    const rebound = await open(server);
    const answer = untilClosed(rebound);
    rebound.write(request(`attacker.example:${server.port}`, '{}'));
    const { text } = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 403 /);
    expect(text).toContain('"code":"host_not_allowed"');
    expect(text).toContain('--host 0.0.0.0');
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`]) {
      const socket = await open(server);
      const reply = untilClosed(socket);
      socket.write(request(host, '{}'));
      expect((await reply).text).toMatch(/^HTTP\/1\.1 200 /);
    }
    const noHost = await open(server);
    const reply = untilClosed(noHost);
    noHost.write('GET / HTTP/1.0\r\n\r\n');
    expect((await reply).text).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('bound to every interface, answers whatever name the request was addressed to', async () => {
    const server = await start({}, '0.0.0.0');
    const socket = await open(server);
    const reply = untilClosed(socket);
    socket.write(request('hscode.internal.example', '{"a":1}'));
    const { text } = await reply;
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain('"bytes":7');
  });

  it('cuts a client that sends its headers too slowly after the header timeout, not at Node’s 30 s check', async () => {
    const server = await start({ headersTimeoutMs: 600, requestTimeoutMs: 5_000 });
    const slow = await open(server);
    const started = Date.now();
    const closed = untilClosed(slow);
    slow.write('POST /v1/predict HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Slow: 1\r\n'), 100);
    const { text, at } = await closed;
    clearInterval(drip);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(at - started).toBeGreaterThanOrEqual(500);
    expect(at - started).toBeLessThan(3_000);
  });

  it('cuts a client that sends its body too slowly after the request timeout', async () => {
    const server = await start({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const slow = await open(server);
    const started = Date.now();
    const closed = untilClosed(slow);
    slow.write(
      'POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
    );
    const drip = setInterval(() => slow.writable && slow.write(' '), 100);
    const { text, at } = await closed;
    clearInterval(drip);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(at - started).toBeGreaterThanOrEqual(900);
    expect(at - started).toBeLessThan(4_000);
  });

  it('holds at most maxBufferedBytes of bodies across connections: the next upload gets 503, then bytes are given back', async () => {
    const server = await start({ maxBufferedBytes: 300_000 });
    // Three uploads of 120 kB that stop before their end: the third crosses 300 kB.
    const uploads = await Promise.all([0, 1, 2].map(() => open(server)));
    const answers = uploads.map(untilClosed);
    for (const socket of uploads.slice(0, 2)) {
      socket.write(
        `POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n${' '.repeat(120_000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    (uploads[2] as Socket).write(
      `POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n${' '.repeat(120_000)}`,
    );
    const busy = await (answers[2] as Promise<{ text: string; at: number }>);
    expect(busy.text).toMatch(/^HTTP\/1\.1 503 /);
    expect(busy.text).toMatch(/retry-after: 1/i);
    expect(busy.text).toContain('holds 300000 bytes');
    // The clients that leave give their bytes back: a full upload fits again.
    for (const socket of uploads.slice(0, 2)) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const socket = await open(server);
    const reply = untilClosed(socket);
    socket.write(request('localhost', ' '.repeat(250_000)));
    expect((await reply).text).toContain('"bytes":250000');
  });

  it('accepts at most maxConnections at once and serves again once one closes', async () => {
    const server = await start({ maxConnections: 3 });
    const held = await Promise.all([0, 1, 2].map(() => open(server)));
    const extra = await open(server);
    const dropped = await untilClosed(extra);
    expect(dropped.text).toBe('');
    (held[0] as Socket).destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const socket = await open(server);
    const reply = untilClosed(socket);
    socket.write(request('localhost', '{}'));
    expect((await reply).text).toMatch(/^HTTP\/1\.1 200 /);
    for (const s of held) s.destroy();
  });

  it('tells the handler which address the request came from', async () => {
    const server = await start({});
    const response = await fetch(`http://127.0.0.1:${server.port}/`, { method: 'POST', body: '' });
    expect(await response.json()).toEqual({ bytes: 0, client: '127.0.0.1' });
  });
});
