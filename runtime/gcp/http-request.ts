import type { Request, Response } from '@google-cloud/functions-framework';
import type { HttpRequest, HttpResponse } from '../http/http-types';

/**
 * The functions framework's Express request as the core's HttpRequest: the body as the bytes
 * received (the framework keeps them as `rawBody` whatever it parsed), header names lower-cased.
 */
export function requestOf(req: Request): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
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
