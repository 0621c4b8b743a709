import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_BODY_BYTES, type HttpHandler, type HttpResponse } from './http-types';
import { errorResponse, SECURITY_HEADERS } from './responses';

export interface HttpServerOptions {
  handler: HttpHandler;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: only this machine; pass "0.0.0.0" or "::" to serve the network. */
  host?: string;
  /** Bodies above this are answered with 413 as soon as the limit is crossed (default 1 MiB). */
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stops accepting, lets requests in flight finish (forcing connections closed after a grace). */
  close(): Promise<void>;
}

// Idle keep-alive connections last longer than a browser's think time between two requests;
// a slow client gets 20 s to send its headers and 60 s for the whole request.
const KEEP_ALIVE_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 60_000;
const CLOSE_GRACE_MS = 5_000;
// How long a refused upload's connection stays open for the client to read its 413.
const LINGER_MS = 5_000;

const headersOf = (request: IncomingMessage): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : value,
    ]),
  );

function send(res: ServerResponse, response: HttpResponse): void {
  if (res.headersSent || res.destroyed) return;
  const length =
    typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.byteLength;
  // A HEAD response states the length of the body it does not carry.
  res.writeHead(response.status, { 'content-length': String(length), ...response.headers });
  res.end(response.body);
}

/** The raw answer to a request the HTTP parser refused (bad syntax, headers too large, timeout). */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'the request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request took too long to arrive']
        : [400, 'bad_request', 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify({ error: { code, message } });
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`);
}

/**
 * Serves a cloud-neutral handler over node:http: the local `hscode serve`, tests and benchmarks.
 * Bodies are read up to the limit and no further; whatever the client does, the process keeps
 * serving.
 */
export function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { handler } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const server = createServer({
    keepAlive: true,
    requestTimeout: REQUEST_TIMEOUT_MS,
    headersTimeout: HEADERS_TIMEOUT_MS,
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  const lingering = new Set<Socket>();

  /**
   * 413, then the connection is closed without reading the rest of the body. Not `res.end()`:
   * Node would then close the socket at once, and closing a socket whose receive queue still holds
   * body bytes sends a reset that can discard the 413 before the client reads it. So the answer is
   * written, the sending side shut, reading stopped, and the socket dropped after a grace.
   */
  const tooLarge = (req: IncomingMessage, res: ServerResponse) => {
    if (res.headersSent) return;
    const { headers, body } = errorResponse(
      413,
      'body_too_large',
      `the request body is larger than ${maxBodyBytes} bytes`,
    );
    res.writeHead(413, {
      ...headers,
      ...SECURITY_HEADERS,
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    });
    res.write(body);
    req.pause();
    const { socket } = req;
    socket.end();
    lingering.add(socket);
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => {
      clearTimeout(timer);
      lingering.delete(socket);
    });
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    try {
      const response = await handler({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: headersOf(req),
        body,
      });
      send(res, response);
    } catch (err) {
      log(`http: the handler threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const response = errorResponse(
        500,
        'internal_error',
        'the service failed to answer; it has been logged',
      );
      send(res, { ...response, headers: { ...response.headers, ...SECURITY_HEADERS } });
    }
  };

  const readAndAnswer = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.byteLength;
      if (size > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        req.pause();
        tooLarge(req, res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) void answer(req, res, Buffer.concat(chunks, size));
    });
    // An aborted upload: the client is gone, there is nobody to answer.
    req.on('error', () => undefined);
  };
  const declaresTooMuch = (req: IncomingMessage) => Number(req.headers['content-length'] ?? 0) > maxBodyBytes;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (declaresTooMuch(req)) tooLarge(req, res);
    else readAndAnswer(req, res);
  });
  // "Expect: 100-continue": a body that is announced too large is refused before it is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (declaresTooMuch(req)) {
      tooLarge(req, res);
      return;
    }
    res.writeContinue();
    readAndAnswer(req, res);
  });
  server.on('clientError', answerClientError);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      server.on('error', (err) => log(`http: server error: ${err.message}`));
      const { address, port } = server.address() as AddressInfo;
      const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
            server.close((err) => {
              clearTimeout(force);
              if (err) fail(err);
              else done();
            });
            server.closeIdleConnections();
            for (const socket of lingering) socket.destroy();
          }),
      });
    });
  });
}
