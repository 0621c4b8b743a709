import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32cBase64 } from './crc32c';
import { parseMultipartRelated } from './multipart-related';

/** One live object: no older generations are kept (a bucket without object versioning). */
interface GcsObject {
  name: string;
  bucket: string;
  body: Buffer;
  generation: string;
  contentType: string;
  md5Hash: string;
  crc32c: string;
  created: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly location?: string,
  ) {
    super(message);
  }
}

export interface GcsStandinOptions {
  buckets: string[];
  /** Uploads larger than this are refused with 413 (the stand-in holds objects in memory). */
  maxUploadBytes?: number;
  /**
   * How long an idle keep-alive connection stays open (default 10 minutes). With Node's 5 s, a
   * client that reuses a connection just as the stand-in closes it gets ECONNRESET: a race that a
   * loaded machine, with seconds between a test's requests, does hit.
   */
  keepAliveTimeoutMs?: number;
}

export interface GcsStandin {
  /** e.g. http://127.0.0.1:40123: the `apiEndpoint` for `new Storage(...)`. */
  apiEndpoint: string;
  /** Cuts the connection of each of the next `count` uploads before answering, as a network fault would. */
  dropUploads(count: number): void;
  close(): Promise<void>;
}

const PRECONDITIONS_COVERED = ['ifGenerationMatch'];
/** Query parameters that would change what a listing returns and that the stand-in does not implement. */
const LIST_PARAMS_NOT_COVERED = [
  'delimiter',
  'versions',
  'startOffset',
  'endOffset',
  'matchGlob',
  'includeFoldersAsPrefixes',
];
const MAX_PAGE = 1000;

/** Object names in the order Cloud Storage lists them: by their UTF-8 bytes. */
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * A stand-in for the subset of the Cloud Storage JSON API that the object-store adapter uses,
 * driven by the real `@google-cloud/storage` client through `apiEndpoint`: multipart upload,
 * media download, object metadata, listing with prefix and page tokens, delete, generation
 * numbers and the `ifGenerationMatch` precondition (0 = only if no live object). Anything
 * outside that subset is answered 501, never approximated. See README.md beside this file.
 */
export async function startGcsStandin(options: GcsStandinOptions): Promise<GcsStandin> {
  const buckets = new Map(options.buckets.map((name) => [name, new Map<string, GcsObject>()]));
  const maxUploadBytes = options.maxUploadBytes ?? 256 * 1024 * 1024;
  let lastGeneration = 0n;

  /** Microseconds since the epoch, as Cloud Storage's generations are, strictly increasing. */
  const nextGeneration = () => {
    const now = BigInt(Date.now()) * 1000n;
    lastGeneration = now > lastGeneration ? now : lastGeneration + 1n;
    return lastGeneration.toString();
  };

  const bucketOf = (name: string) => {
    const bucket = buckets.get(name);
    if (!bucket) throw new HttpError(404, 'notFound', 'The specified bucket does not exist.');
    return bucket;
  };

  const objectOf = (bucketName: string, name: string) => {
    const object = bucketOf(bucketName).get(name);
    if (!object) throw new HttpError(404, 'notFound', `No such object: ${bucketName}/${name}`);
    return object;
  };

  const resourceOf = (object: GcsObject, endpoint: string) => ({
    kind: 'storage#object',
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `${endpoint}/storage/v1/b/${object.bucket}/o/${encodeURIComponent(object.name)}`,
    mediaLink: `${endpoint}/download/storage/v1/b/${object.bucket}/o/${encodeURIComponent(object.name)}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation: object.generation,
    metageneration: '1',
    contentType: object.contentType,
    storageClass: 'STANDARD',
    size: String(object.body.length),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: Buffer.from(object.generation).toString('base64'),
    timeCreated: object.created,
    updated: object.created,
    timeStorageClassUpdated: object.created,
  });

  /** Throws 412 unless the live generation ("0" when there is none) matches. */
  const checkPreconditions = (query: URLSearchParams, current: GcsObject | undefined) => {
    for (const name of query.keys()) {
      if (/^if/.test(name) && !PRECONDITIONS_COVERED.includes(name)) {
        throw new HttpError(501, 'notImplemented', `the stand-in does not cover the ${name} precondition`);
      }
    }
    const wanted = query.get('ifGenerationMatch');
    if (wanted === null) return;
    if (!/^\d+$/.test(wanted))
      throw new HttpError(400, 'invalid', `Invalid value for ifGenerationMatch: ${wanted}`);
    if (BigInt(wanted).toString() !== (current?.generation ?? '0')) {
      throw new HttpError(
        412,
        'conditionNotMet',
        'At least one of the pre-conditions you specified did not hold.',
        'If-Match',
      );
    }
  };

  /** A specific `generation` can only be the live one: older generations are not kept. */
  const liveGeneration = (object: GcsObject, query: URLSearchParams) => {
    const generation = query.get('generation');
    if (generation !== null && generation !== object.generation) {
      throw new HttpError(404, 'notFound', `No such object: ${object.bucket}/${object.name}#${generation}`);
    }
    return object;
  };

  const upload = async (
    req: IncomingMessage,
    res: ServerResponse,
    bucketName: string,
    query: URLSearchParams,
    endpoint: string,
  ) => {
    const uploadType = query.get('uploadType');
    if (uploadType !== 'multipart') {
      throw new HttpError(
        501,
        'notImplemented',
        `the stand-in covers uploadType=multipart only, not ${uploadType}`,
      );
    }
    const bucket = bucketOf(bucketName);
    const [metadataPart, mediaPart] = parseMultipartRelated(
      String(req.headers['content-type'] ?? ''),
      await readBody(req, maxUploadBytes),
    );
    if (!metadataPart || !mediaPart)
      throw new HttpError(400, 'invalid', 'a multipart upload needs a metadata part and a media part');
    const metadata = JSON.parse(metadataPart.body.toString('utf8') || '{}') as {
      name?: string;
      contentType?: string;
      md5Hash?: string;
      crc32c?: string;
    };
    const name = query.get('name') ?? metadata.name;
    if (!name) throw new HttpError(400, 'required', 'Required: object name');
    const md5Hash = createHash('md5').update(mediaPart.body).digest('base64');
    const crc32c = crc32cBase64(mediaPart.body);
    // Checksums sent with an upload are checked, and a mismatch stores nothing.
    for (const [field, actual] of [
      ['md5Hash', md5Hash],
      ['crc32c', crc32c],
    ] as const) {
      const provided = metadata[field];
      if (provided !== undefined && provided !== actual) {
        throw new HttpError(
          400,
          'invalid',
          `Provided ${field} "${provided}" doesn't match calculated ${field} "${actual}".`,
        );
      }
    }
    // From here to the store, nothing awaits: the check and the write are one step, so of
    // concurrent uploads with the same precondition exactly one can pass.
    checkPreconditions(query, bucket.get(name));
    const object: GcsObject = {
      name,
      bucket: bucketName,
      body: Buffer.from(mediaPart.body),
      generation: nextGeneration(),
      contentType: metadata.contentType ?? mediaPart.headers['content-type'] ?? 'application/octet-stream',
      md5Hash,
      crc32c,
      created: new Date().toISOString(),
    };
    bucket.set(name, object);
    sendJson(res, 200, resourceOf(object, endpoint));
  };

  const download = (res: ServerResponse, object: GcsObject, query: URLSearchParams, head: boolean) => {
    checkPreconditions(query, object);
    res.writeHead(200, {
      'content-type': object.contentType,
      'content-length': object.body.length,
      'x-goog-generation': object.generation,
      'x-goog-metageneration': '1',
      'x-goog-hash': `crc32c=${object.crc32c},md5=${object.md5Hash}`,
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-stored-content-length': object.body.length,
      etag: `"${object.md5Hash}"`,
    });
    res.end(head ? undefined : object.body);
  };

  const list = (res: ServerResponse, bucketName: string, query: URLSearchParams, endpoint: string) => {
    for (const name of LIST_PARAMS_NOT_COVERED) {
      if (query.has(name))
        throw new HttpError(501, 'notImplemented', `the stand-in does not cover listing with ${name}`);
    }
    const prefix = query.get('prefix') ?? '';
    const pageSize = Math.min(MAX_PAGE, Number(query.get('maxResults') ?? MAX_PAGE));
    const token = query.get('pageToken');
    const after = token === null ? undefined : Buffer.from(token, 'base64url').toString('utf8');
    const names = [...bucketOf(bucketName).keys()]
      .filter((name) => name.startsWith(prefix) && (after === undefined || byUtf8(name, after) > 0))
      .sort(byUtf8);
    const page = names.slice(0, pageSize);
    const body: Record<string, unknown> = { kind: 'storage#objects' };
    if (page.length > 0) body.items = page.map((name) => resourceOf(objectOf(bucketName, name), endpoint));
    if (names.length > page.length) body.nextPageToken = Buffer.from(page.at(-1)!).toString('base64url');
    sendJson(res, 200, body);
  };

  let uploadsToDrop = 0;
  const route = async (req: IncomingMessage, res: ServerResponse, endpoint: string) => {
    const url = new URL(req.url ?? '/', endpoint);
    const query = url.searchParams;
    let m: RegExpExecArray | null;
    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname)) && req.method === 'POST') {
      if (uploadsToDrop > 0) {
        uploadsToDrop--;
        req.socket.destroy();
        return;
      }
      return upload(req, res, decodeURIComponent(m[1]!), query, endpoint);
    }
    if ((m = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname)) && req.method === 'GET') {
      return list(res, decodeURIComponent(m[1]!), query, endpoint);
    }
    if ((m = /^\/(download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname))) {
      const bucketName = decodeURIComponent(m[2]!);
      const name = decodeURIComponent(m[3]!);
      if (req.method === 'GET' || req.method === 'HEAD') {
        const object = liveGeneration(objectOf(bucketName, name), query);
        if (query.get('alt') === 'media' || m[1]) return download(res, object, query, req.method === 'HEAD');
        checkPreconditions(query, object);
        return sendJson(res, 200, resourceOf(object, endpoint));
      }
      if (req.method === 'DELETE') {
        const object = objectOf(bucketName, name);
        checkPreconditions(query, object);
        bucketOf(bucketName).delete(name);
        res.writeHead(204).end();
        return;
      }
    }
    throw new HttpError(501, 'notImplemented', `the stand-in does not cover ${req.method} ${url.pathname}`);
  };

  const server = http.createServer((req, res) => {
    route(req, res, endpoint).catch((err: unknown) => {
      req.resume();
      const failure =
        err instanceof HttpError
          ? err
          : new HttpError(500, 'backendError', err instanceof Error ? err.message : String(err));
      sendJson(res, failure.status, {
        error: {
          code: failure.status,
          message: failure.message,
          errors: [
            {
              domain: 'global',
              reason: failure.reason,
              message: failure.message,
              ...(failure.location ? { locationType: 'header', location: failure.location } : {}),
            },
          ],
        },
      });
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiEndpoint: endpoint,
    dropUploads(count) {
      uploadsToDrop = count;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new HttpError(413, 'uploadTooLarge', `the stand-in holds uploads of at most ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
