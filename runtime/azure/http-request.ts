import type { HttpRequest as AzureRequest, HttpResponseInit } from '@azure/functions';
import { CALLER_HEADER } from '../http/caller';
import type { HttpRequest, HttpResponse } from '../http/http-types';

/**
 * The caller App Service Authentication verified: `x-ms-client-principal-name`. The platform sets
 * it, and removes any copy a client sent, only while authentication is on for the app, which is
 * when App Service sets `WEBSITE_AUTH_ENABLED=True` (see infra/README.md). Without it the header
 * is whatever the client wrote, so nobody is named and feedback is refused.
 */
export const verifiedCaller = (
  headers: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined =>
  env.WEBSITE_AUTH_ENABLED?.toLowerCase() === 'true'
    ? headers['x-ms-client-principal-name'] || undefined
    : undefined;

/** The v4 programming model's request as the core's HttpRequest (path and query from its URL). */
export async function requestOf(request: AzureRequest): Promise<HttpRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  // Only the platform says who called: a client's own copy of the header is dropped.
  delete headers[CALLER_HEADER];
  const caller = verifiedCaller(headers);
  if (caller) headers[CALLER_HEADER] = caller;
  return {
    method: request.method,
    path: `${url.pathname}${url.search}`,
    headers,
    body: new Uint8Array(await request.arrayBuffer()),
  };
}

export function responseOf(response: HttpResponse): HttpResponseInit {
  return { status: response.status, headers: response.headers, body: response.body };
}

/**
 * The store key of a BlobCreated event, or undefined when the blob is outside the store: the
 * subject is `/blobServices/default/containers/<container>/blobs/<name>`, and the store is
 * `https://<account>.blob.core.windows.net/<container>[/<prefix>]` (a local folder, in tests, takes
 * the blob's name as its key).
 */
export function keyOfBlobSubject(subject: string, storeUrl: string): string | undefined {
  const event = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/.exec(subject);
  if (!event) return undefined;
  const [, container, name] = event as unknown as [string, string, string];
  if (!storeUrl.startsWith('https://')) return name;
  const [storeContainer, ...prefix] = new URL(storeUrl).pathname.split('/').filter(Boolean);
  if (container !== storeContainer) return undefined;
  const base = prefix.length ? `${prefix.join('/')}/` : '';
  return name.startsWith(base) ? name.slice(base.length) : undefined;
}
