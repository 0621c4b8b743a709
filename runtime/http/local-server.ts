import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_BODY_BYTES, type HttpHandler, type HttpResponse } from './http-types';
import { loggableError } from './loggable-error';
import { isLoopbackAddress, isLoopbackHost } from './loopback-host';
import { errorResponse, SECURITY_HEADERS } from './responses';

/** What one server holds for its clients at most, and how long it waits for them. */
export interface ConnectionLimits {
  /** Open connections; further ones are closed as they arrive (default 1024). */
  maxConnections: number;
  /** Request bodies held in memory across all connections at once (default 64 MiB). */
  maxBufferedBytes: number;
  /** Time for a client to send its request headers (default 5 s). */
  headersTimeoutMs: number;
  /** Time for a client to send its whole request, body included (default 15 s). */
  requestTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
};

export interface HttpServerOptions {
  handler: HttpHandler;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: only this machine; pass "0.0.0.0" or "::" to serve the network. */
  host?: string;
  /** Bodies above this are answered with 413 as soon as the limit is crossed (default 1 MiB). */
  maxBodyBytes?: number;
  limits?: Partial<ConnectionLimits>;
  log?: (line: string) => void;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stops accepting, lets requests in flight finish (forcing connections closed after a grace). */
  close(): Promise<void>;
}

// Idle keep-alive connections last longer than a browser's think time between two requests.
const KEEP_ALIVE_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 5_000;
// How long a refused upload's connection stays open for the client to read its answer.
const LINGER_MS = 5_000;
const BUSY_RETRY_AFTER_SECONDS = '1';

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
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bindHost = options.host ?? '127.0.0.1';
  // Bound to loopback, only pages of this machine's own origins may address it (DNS rebinding).
  const checkHost = isLoopbackAddress(bindHost);
  const server = createServer({
    keepAlive: true,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    // Node looks for expired requests only this often (30 s by default): a timeout of seconds
    // needs a check of about a second.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headersTimeoutMs / 2)),
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = limits.maxConnections;

  const lingering = new Set<Socket>();
  // Body bytes held right now across every connection.
  let buffered = 0;

  /**
   * An error answer, then the connection is closed without reading the rest of the body. Not
   * `res.end()`: Node would then close the socket at once, and closing a socket whose receive
   * queue still holds body bytes sends a reset that can discard the answer before the client reads
   * it. So the answer is written, the sending side shut, reading stopped, and the socket dropped
   * after a grace.
   */
  const refuse = (req: IncomingMessage, res: ServerResponse, answer: HttpResponse) => {
    if (res.headersSent) return;
    const { status, headers, body } = answer;
    res.writeHead(status, {
      ...headers,
      ...SECURITY_HEADERS,
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    });
    res.write(body as string);
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
  const tooLarge = (req: IncomingMessage, res: ServerResponse) =>
    refuse(
      req,
      res,
      errorResponse(413, 'body_too_large', `the request body is larger than ${maxBodyBytes} bytes`),
    );
  const busy = (req: IncomingMessage, res: ServerResponse) =>
    refuse(
      req,
      res,
      errorResponse(
        503,
        'server_busy',
        `the server already holds ${limits.maxBufferedBytes} bytes of request bodies from other clients; retry in a moment`,
        { headers: { 'retry-after': BUSY_RETRY_AFTER_SECONDS } },
      ),
    );
  const wrongHost = (req: IncomingMessage, res: ServerResponse) =>
    refuse(
      req,
      res,
      errorResponse(
        403,
        'host_not_allowed',
        `this server listens on ${bindHost} and answers only requests addressed to localhost, 127.0.0.1 or [::1]; to serve other machines, start it with --host 0.0.0.0`,
      ),
    );

  const answer = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    try {
      const response = await handler({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: headersOf(req),
        body,
        ...(req.socket.remoteAddress ? { client: req.socket.remoteAddress } : {}),
      });
      send(res, response);
    } catch (err) {
      log(`http: the handler threw: ${loggableError(err)}`);
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
    let held = 0;
    const release = () => {
      buffered -= held;
      held = 0;
    };
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.byteLength;
      const overBody = size > maxBodyBytes;
      if (overBody || buffered + chunk.byteLength > limits.maxBufferedBytes) {
        refused = true;
        chunks.length = 0;
        release();
        req.pause();
        (overBody ? tooLarge : busy)(req, res);
        return;
      }
      buffered += chunk.byteLength;
      held += chunk.byteLength;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks, size);
      chunks.length = 0;
      release();
      void answer(req, res, body);
    });
    // A client that leaves (or times out) mid-body gives its bytes back.
    req.once('close', release);
    // An aborted upload: the client is gone, there is nobody to answer.
    req.on('error', () => undefined);
  };
  const declaresTooMuch = (req: IncomingMessage) => Number(req.headers['content-length'] ?? 0) > maxBodyBytes;

  const refusedAtHeaders = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (checkHost && !isLoopbackHost(req.headers.host)) wrongHost(req, res);
    else if (declaresTooMuch(req)) tooLarge(req, res);
    else return false;
    return true;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!refusedAtHeaders(req, res)) readAndAnswer(req, res);
  });
  // "Expect: 100-continue": a body that is announced too large is refused before it is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (refusedAtHeaders(req, res)) return;
    res.writeContinue();
    readAndAnswer(req, res);
  });
  server.on('clientError', answerClientError);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, bindHost, () => {
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
