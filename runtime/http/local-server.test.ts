import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { releaseSharedSessions } from '../core/session-cache';
import { startTestServer, type TestServer } from '../../tests/helpers/test-server';
import { startHttpServer } from './local-server';

const FIVE_MB = 5 * 1024 * 1024;
const LIMIT = 1024 * 1024;

async function bodyOf(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends raw bytes on a fresh connection and returns everything the server sends back. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('startHttpServer', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
    await releaseSharedSessions();
  });

  it('listens on a free port when given port 0', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(server.url).port)).toBeGreaterThan(0);
  });

  it('answers 413 to a 5 MB body announced by Content-Length before any of it is sent', async () => {
    const { hostname, port } = new URL(server.url);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({
        host: hostname,
        port,
        method: 'POST',
        path: '/v1/predict',
        headers: { 'content-type': 'application/json', 'content-length': String(FIVE_MB) },
      });
      req.on('response', resolve);
      req.on('error', reject);
      // Headers only: the answer must come without the server waiting for the body.
      req.flushHeaders();
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(await bodyOf(response))).toEqual({
      error: { code: 'body_too_large', message: expect.stringContaining(`${LIMIT} bytes`) },
    });
  });

  it('answers 413 to a streamed 5 MB body as soon as the limit is crossed', async () => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let written = 0;
    let writtenWhenAnswered: number | undefined;
    const reply: Buffer[] = [];
    socket.on('data', (data) => {
      writtenWhenAnswered ??= written;
      reply.push(data);
    });
    socket.on('error', () => undefined); // writing on after the server shut the connection
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n');
    socket.write('Transfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    // One chunk per turn of the event loop, until the answer comes (or all 5 MB are sent).
    while (written < FIVE_MB && writtenWhenAnswered === undefined && !socket.destroyed) {
      socket.write(`${chunk.byteLength.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n');
      written += chunk.byteLength;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await closed;
    const text = Buffer.concat(reply).toString('utf8');
    expect(text).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'body_too_large' },
    });
    // Answered just past the 1 MiB limit: the server neither waited for the body nor kept it.
    expect(writtenWhenAnswered).toBeGreaterThan(LIMIT - chunk.byteLength);
    expect(writtenWhenAnswered).toBeLessThan(2 * LIMIT);
  });

  it('refuses an announced oversized body before "100 Continue"', async () => {
    const reply = await rawExchange(
      server.url,
      `POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${FIVE_MB}\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).not.toContain('100 Continue');
  });

  it('answers 415 to a body that is not application/json', async () => {
    const response = await fetch(`${server.url}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ descriptions: ['live fish'] }),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: { code: 'unsupported_media_type', message: expect.any(String) },
    });
  });

  it('keeps connections alive between requests', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { hostname, port } = new URL(server.url);
    const reused: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({ descriptions: [`live fish ${i}`] });
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request({
          agent,
          host: hostname,
          port,
          method: 'POST',
          path: '/v1/predict',
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        });
        req.on('response', resolve);
        req.on('error', reject);
        req.end(body);
        reused.push(req.reusedSocket);
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers.connection).toBe('keep-alive');
      expect(response.headers['content-length']).toBeDefined();
      await bodyOf(response);
    }
    agent.destroy();
    expect(reused).toEqual([false, true, true, true, true]);
  });

  it('answers requests the HTTP parser refuses, and keeps serving', async () => {
    const garbage = await rawExchange(server.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'bad_request' },
    });
    const hugeHeader = await rawExchange(
      server.url,
      `GET /healthz HTTP/1.1\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
    );
    expect(hugeHeader).toMatch(/^HTTP\/1\.1 431 /);
    const badLength = await rawExchange(
      server.url,
      'POST /v1/predict HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
    );
    expect(badLength).toMatch(/^HTTP\/1\.1 400 /);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers HEAD with the length of the body it leaves out', async () => {
    const get = await fetch(`${server.url}/openapi.json`);
    const head = await fetch(`${server.url}/openapi.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(await get.text())));
    expect(await head.text()).toBe('');
  });

  it('answers 500 when a handler throws, and closes with idle keep-alive connections open', async () => {
    const lines: string[] = [];
    const failing = await startHttpServer({
      port: 0,
      handler: () => Promise.reject(new Error('defect')),
      log: (line) => lines.push(line),
    });
    const agent = new Agent({ keepAlive: true });
    const { hostname, port } = new URL(failing.url);
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      request({ agent, host: hostname, port, path: '/' }, resolve).on('error', reject).end(),
    );
    expect(response.statusCode).toBe(500);
    expect(await bodyOf(response)).not.toContain('defect');
    expect(lines.join('\n')).toBe('http: the handler threw: defect');
    await failing.close();
    agent.destroy();
  });
});
