import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { KeyedLock } from '../keyed-lock';
import { bareEtag, objectReadOf, objectWriteOf, type ObjectWrite } from './object-write';
import { sendS3Error } from './s3-errors';

export interface ConditionalFrontOptions {
  /** The S3 server behind the front (s3rver), on loopback. */
  upstream: { host: string; port: number };
  /** Default 0: any free port on 127.0.0.1. */
  port?: number;
}

export interface ConditionalFront {
  /** e.g. http://127.0.0.1:40123 — the endpoint to give the S3 client (path-style). */
  url: string;
  /** Object keys read, written or waited for right now (0 when idle: nothing leaks). */
  readonly busyKeys: number;
  /**
   * The next `count` conditional writes whose condition holds answer 409
   * ConditionalRequestConflict instead, as S3 does when another operation on the key interferes:
   * lets a client's retry be tested against the real SDK.
   */
  injectConflicts(count: number): void;
  close(): Promise<void>;
}

/** Headers that describe one connection, not the message, and so are never forwarded. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
];

// How often, and how far apart, a read that came back short is made again (a second at most).
const SETTLE_ATTEMPTS = 50;
const SETTLE_PAUSE_MS = 20;

const without = (headers: IncomingHttpHeaders, drop: string[]) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.includes(name)));

/** s3rver's whole answer to a read, or why there is none (`cutShort`: it stopped mid-body). */
type UpstreamAnswer =
  | { status: number; statusMessage: string | undefined; headers: IncomingHttpHeaders; body: Buffer }
  | { failure: Error; cutShort: boolean };

interface Refusal {
  status: number;
  code: string;
  message: string;
  details?: Record<string, string>;
}

/**
 * An HTTP front for s3rver that gives S3's conditional writes (If-None-Match: * and If-Match on
 * PutObject, CopyObject and CompleteMultipartUpload), which s3rver ignores. Writes of one key take
 * turns; a conditional one checks the object's current ETag upstream first and answers as S3 does
 * when the condition fails. s3rver writes an object's file in place as the body arrives, so reads
 * of a key wait for a write of that key in progress (S3 would serve the previous object; both are
 * whole objects, never a torn one), and an upload the client abandons half-way is removed rather
 * than left truncated. Bodies stream through, never held; other keys, listings and every other
 * request pass untouched.
 */
export async function startConditionalFront(options: ConditionalFrontOptions): Promise<ConditionalFront> {
  const agent = new http.Agent({ keepAlive: true });
  const locks = new KeyedLock();
  let conflictsToInject = 0;

  const upstreamRequest = (method: string, path: string, headers: IncomingHttpHeaders) =>
    http.request({ ...options.upstream, method, path, headers, agent });

  /** The object's current ETag, or null when there is none. */
  const currentEtag = (path: string) =>
    new Promise<string | null>((resolve, reject) => {
      const head = upstreamRequest('HEAD', path, {});
      head.on('response', (response) => {
        response.resume();
        if (response.statusCode === 404) resolve(null);
        else if (response.statusCode === 200 && typeof response.headers.etag === 'string')
          resolve(response.headers.etag);
        else reject(new Error(`HEAD ${path} upstream answered ${response.statusCode}`));
      });
      head.on('error', reject);
      head.end();
    });

  const verdictOn = async (write: ObjectWrite): Promise<Refusal | undefined> => {
    const current = await currentEtag(write.path);
    if (write.ifMatch !== undefined) {
      if (current === null) {
        return {
          status: 404,
          code: 'NoSuchKey',
          message: 'The specified key does not exist.',
          details: { Key: write.key },
        };
      }
      if (write.ifMatch.trim() !== '*' && bareEtag(write.ifMatch) !== bareEtag(current)) {
        return preconditionFailed('If-Match');
      }
    }
    if (write.ifNoneMatch !== undefined && current !== null) return preconditionFailed('If-None-Match');
    return undefined;
  };

  /**
   * Resolves once the answer has been passed on, with s3rver's status, or with undefined when the
   * exchange broke before s3rver answered (the client went away, or s3rver did).
   */
  const forward = (req: IncomingMessage, res: ServerResponse, drop: string[] = []) =>
    new Promise<number | undefined>((resolve) => {
      const upstream = upstreamRequest(req.method ?? 'GET', req.url ?? '/', without(req.headers, drop));
      upstream.on('response', (response) => {
        res.writeHead(
          response.statusCode ?? 502,
          response.statusMessage,
          without(response.headers, HOP_BY_HOP),
        );
        pipeline(response, res, () => resolve(response.statusCode));
      });
      upstream.on('error', (err) => {
        if (res.headersSent) res.destroy(err);
        else sendS3Error(res, 502, 'BadGateway', `the S3 server behind the front failed: ${err.message}`);
        resolve(undefined);
      });
      pipeline(req, upstream, (err) => {
        if (err) upstream.destroy(err);
      });
    });

  /**
   * A read of one object: s3rver's whole answer is taken under the key's shared lock and sent
   * after it is released. Streaming it under the lock would let a client that reads slowly (or
   * stops, holding a stream open) keep every write of the key waiting, which S3 never does.
   */
  const forwardRead = async (req: IncomingMessage, res: ServerResponse, key: string) => {
    req.resume(); // a read has no body; the connection must still reach the end of the request
    const answer = await locks.shared(key, () => settledAnswer(req));
    if ('failure' in answer) {
      sendS3Error(res, 502, 'BadGateway', `the S3 server behind the front failed: ${answer.failure.message}`);
      return;
    }
    res.writeHead(answer.status, answer.statusMessage, answer.headers);
    res.end(answer.body);
  };

  /**
   * s3rver answers a PUT once the body has passed through, before its file is on disk, so a read
   * right after can get fewer bytes than the object's length, or an empty file of length 0: such
   * a read is made again. The second shows as a whole object whose MD5 is not its ETag (the MD5
   * s3rver recorded while the body passed through; multipart ETags hold a "-" and are not MD5s).
   */
  const settledAnswer = async (req: IncomingMessage): Promise<UpstreamAnswer> => {
    for (let attempt = 1; ; attempt++) {
      const answer = await wholeAnswer(req);
      // A missing length compares as NaN: never short. A connection cut mid-body is short too.
      const unsettled =
        req.method === 'GET' &&
        ('failure' in answer
          ? answer.cutShort
          : answer.body.length < Number(answer.headers['content-length']) || notItsEtag(answer));
      if (!unsettled || attempt === SETTLE_ATTEMPTS) return answer;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_PAUSE_MS));
    }
  };

  const wholeAnswer = (req: IncomingMessage) =>
    new Promise<UpstreamAnswer>((resolve) => {
      const upstream = upstreamRequest(req.method ?? 'GET', req.url ?? '/', without(req.headers, HOP_BY_HOP));
      upstream.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (failure: Error) => resolve({ failure, cutShort: true }));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 502,
            statusMessage: response.statusMessage,
            headers: without(response.headers, HOP_BY_HOP),
            body: Buffer.concat(chunks),
          }),
        );
      });
      upstream.on('error', (failure: Error) => resolve({ failure, cutShort: false }));
      upstream.end();
    });

  /**
   * Answers without reading the body. A client that asked `Expect: 100-continue` has not sent
   * it and never will, so the connection closes after the answer; otherwise what arrives is
   * read and dropped, so the connection stays usable.
   */
  const refuse = (req: IncomingMessage, res: ServerResponse, refusal: Refusal, expectsContinue: boolean) => {
    if (expectsContinue) res.setHeader('connection', 'close');
    else req.resume();
    sendS3Error(res, refusal.status, refusal.code, refusal.message, refusal.details);
  };

  const handleWrite = async (
    req: IncomingMessage,
    res: ServerResponse,
    write: ObjectWrite,
    expectsContinue: boolean,
  ) => {
    const conditional = write.ifMatch !== undefined || write.ifNoneMatch !== undefined;
    const unsupported = conditional ? unsupportedCondition(write) : undefined;
    if (unsupported) return refuse(req, res, unsupported, expectsContinue);
    await locks.exclusive(`${write.bucket}/${write.key}`, async () => {
      if (conditional) {
        const refusal = await verdictOn(write);
        if (refusal) return refuse(req, res, refusal, expectsContinue);
        if (conflictsToInject > 0) {
          conflictsToInject--;
          return refuse(req, res, conditionalRequestConflict, expectsContinue);
        }
      }
      if (expectsContinue) res.writeContinue();
      // s3rver would ignore the conditions anyway; dropping them keeps what it sees unambiguous.
      const status = await forward(req, res, [...HOP_BY_HOP, 'if-match', 'if-none-match']);
      // The client went away mid-body: s3rver has written whatever part of it arrived. (A write
      // s3rver refused before reading the body, e.g. a bad signature, has an answer and wrote nothing.)
      if (write.kind === 'put' && !req.complete && status === undefined) await removeUpstream(write.path);
    });
  };

  const removeUpstream = (path: string) =>
    new Promise<void>((resolve) => {
      const removal = upstreamRequest('DELETE', path, {});
      removal.on('response', (response) => response.resume().on('end', resolve));
      removal.on('error', () => resolve());
      removal.end();
    });

  const handle = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    const write = objectWriteOf(req);
    const read = objectReadOf(req);
    if (!write && expectsContinue) res.writeContinue();
    const done = write
      ? handleWrite(req, res, write, expectsContinue)
      : read
        ? forwardRead(req, res, read)
        : forward(req, res, HOP_BY_HOP);
    Promise.resolve(done).catch((err: Error) => {
      if (res.headersSent) res.destroy(err);
      else refuse(req, res, { status: 500, code: 'InternalError', message: err.message }, expectsContinue);
    });
  };

  const server = http.createServer((req, res) => handle(req, res, false));
  server.on('checkContinue', (req, res) => handle(req, res, true));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get busyKeys() {
      return locks.size;
    },
    injectConflicts(count: number) {
      conflictsToInject = count;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

const preconditionFailed = (condition: string): Refusal => ({
  status: 412,
  code: 'PreconditionFailed',
  message: 'At least one of the pre-conditions you specified did not hold',
  details: { Condition: condition },
});

const conditionalRequestConflict: Refusal = {
  status: 409,
  code: 'ConditionalRequestConflict',
  message: 'A conflicting operation occurred. If using PutObject you can retry the request.',
};

/** Conditions the front does not emulate are refused loudly rather than silently ignored. */
function unsupportedCondition(write: ObjectWrite): Refusal | undefined {
  if (write.kind === 'delete') {
    return {
      status: 501,
      code: 'NotImplemented',
      message: 'conditional deletes are not emulated by this front',
    };
  }
  if (write.ifNoneMatch !== undefined && write.ifNoneMatch.trim() !== '*') {
    return {
      status: 501,
      code: 'NotImplemented',
      message: 'If-None-Match on a write takes only "*"',
    };
  }
  return undefined;
}

/** A whole object (200) whose body's MD5 is not the simple ETag it was stored with. */
function notItsEtag(answer: { status: number; headers: IncomingHttpHeaders; body: Buffer }): boolean {
  const etag = bareEtag(String(answer.headers.etag ?? ''));
  if (answer.status !== 200 || !/^[0-9a-f]{32}$/.test(etag)) return false;
  return createHash('md5').update(answer.body).digest('hex') !== etag;
}
