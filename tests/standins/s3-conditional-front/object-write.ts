import type { IncomingMessage } from 'node:http';

/** A request that creates, replaces or removes one object, which the front serialises per key. */
export interface ObjectWrite {
  kind: 'put' | 'complete-multipart' | 'delete';
  bucket: string;
  key: string;
  /** The request's path, still percent-encoded: `/bucket/key`. */
  path: string;
  /** The `If-Match` / `If-None-Match` headers as sent, if any. */
  ifMatch?: string;
  ifNoneMatch?: string;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** `bucket` and `key` of a path-style object URL, still percent-encoded in `path`. */
function objectPathOf(req: IncomingMessage) {
  const url = new URL(req.url ?? '/', 'http://front');
  const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!match) return undefined;
  return {
    url,
    bucket: decodeURIComponent(match[1]!),
    key: decodeURIComponent(match[2]!),
    path: url.pathname,
  };
}

/** The lock name of an object that a GET or HEAD reads, or undefined for any other request. */
export function objectReadOf(req: IncomingMessage): string | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const object = objectPathOf(req);
  return object && `${object.bucket}/${object.key}`;
}

/**
 * Recognises the object writes of a path-style S3 request (`/bucket/key`): PutObject and
 * CopyObject (PUT without `partNumber`/`uploadId`), CompleteMultipartUpload (POST with
 * `uploadId`) and DeleteObject (DELETE without `uploadId`). Everything else (reads, listings,
 * UploadPart, bucket calls) is not one and passes through untouched.
 */
export function objectWriteOf(req: IncomingMessage): ObjectWrite | undefined {
  const object = objectPathOf(req);
  if (!object) return undefined;
  const query = object.url.searchParams;
  let kind: ObjectWrite['kind'];
  if (req.method === 'PUT' && !query.has('partNumber') && !query.has('uploadId') && !hasSubresource(query)) {
    kind = 'put';
  } else if (req.method === 'POST' && query.has('uploadId')) {
    kind = 'complete-multipart';
  } else if (req.method === 'DELETE' && !query.has('uploadId') && !hasSubresource(query)) {
    kind = 'delete';
  } else {
    return undefined;
  }
  const write: ObjectWrite = { kind, bucket: object.bucket, key: object.key, path: object.path };
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifMatch !== undefined) write.ifMatch = ifMatch;
  if (ifNoneMatch !== undefined) write.ifNoneMatch = ifNoneMatch;
  return write;
}

/** `?tagging`, `?acl` and the like address an object's sub-resource, not its content. */
function hasSubresource(query: URLSearchParams): boolean {
  return ['tagging', 'acl', 'retention', 'legal-hold', 'restore'].some((name) => query.has(name));
}

/** An entity tag without weak marker and quotes, as S3 compares them. */
export const bareEtag = (etag: string) =>
  etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
