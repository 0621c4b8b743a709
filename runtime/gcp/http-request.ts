import type { Request, Response } from '@google-cloud/functions-framework';
import { CALLER_HEADER } from '../http/caller';
import type { HttpRequest, HttpResponse } from '../http/http-types';

/**
 * The caller Cloud Run's IAM invoker check verified: the identity token it accepted (in
 * `X-Serverless-Authorization` when present, which Cloud Run checks first, else `Authorization`)
 * names the account in `email`, or `sub`. The token's signature was checked by the platform
 * before the request got here (an unauthenticated request never reaches the function), so only
 * its payload is read. `x-goog-authenticated-user-email` is not used: only IAP sets it, and
 * without IAP in front a client could send it.
 */
export function verifiedCaller(headers: Record<string, string>): string | undefined {
  const bearer = /^Bearer\s+([^.\s]+)\.([^.\s]+)\./i.exec(
    headers['x-serverless-authorization'] ?? headers.authorization ?? '',
  );
  if (!bearer) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(bearer[2] as string, 'base64url').toString('utf8')) as {
      email?: unknown;
      sub?: unknown;
    };
    const id = typeof payload.email === 'string' ? payload.email : payload.sub;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The functions framework's Express request as the core's HttpRequest: the body as the bytes
 * received (the framework keeps them as `rawBody` whatever it parsed), header names lower-cased.
 */
export function requestOf(req: Request): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // Only the platform says who called: a client's own copy of the header is dropped.
  delete headers[CALLER_HEADER];
  const caller = verifiedCaller(headers);
  if (caller) headers[CALLER_HEADER] = caller;
  return {
    method: req.method,
    path: req.originalUrl,
    headers,
    body: req.rawBody ?? new Uint8Array(0),
  };
}

/** Writes the core's response through Node's own API, so Express adds nothing to it. */
export function send(res: Response, response: HttpResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(typeof response.body === 'string' ? response.body : Buffer.from(response.body));
}

/** The object a Cloud Storage "finalized" CloudEvent is about. */
export interface StorageObjectData {
  bucket?: string;
  name?: string;
}
