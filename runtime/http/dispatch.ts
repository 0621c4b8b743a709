import { ModelUnavailableError, NotFoundError, RequestValidationError } from '../core/errors';
import { describe, noModel, type Endpoint, type Route } from './api-routes';
import type { HttpRequest, HttpResponse } from './http-types';
import { errorResponse } from './responses';
import { readStaticFile, staticFileName } from './static-files';

export interface Dispatched {
  /** The route's metrics label ("unmatched" when none). */
  route: string;
  response: HttpResponse;
}

/** The request target's path: without query or fragment. */
export const pathOf = (target: string) => target.split(/[?#]/, 1)[0] ?? '';

/** A file of the page, when the path names one that exists. */
async function staticRoute(webRoot: string, path: string): Promise<Route | undefined> {
  const name = staticFileName(path);
  const file = name === undefined ? undefined : await readStaticFile(webRoot, name);
  if (!file) return undefined;
  const serve: Endpoint = async () => ({
    status: 200,
    headers: { 'content-type': file.contentType, 'cache-control': 'no-cache' },
    body: file.body,
  });
  return { name: 'static', methods: { GET: serve } };
}

/**
 * Finds the route (an API path, else a file of the page), checks the method and runs the
 * endpoint, turning what it throws into the error response it stands for.
 */
export async function dispatch(
  routes: Readonly<Record<string, Route>>,
  webRoot: string,
  request: HttpRequest,
  log: (line: string) => void,
): Promise<Dispatched> {
  const path = pathOf(request.path);
  const route = Object.hasOwn(routes, path) ? routes[path] : await staticRoute(webRoot, path);
  if (!route) {
    return {
      route: 'unmatched',
      response: errorResponse(
        404,
        'not_found',
        'there is no such resource; the API is described at /openapi.json',
      ),
    };
  }
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const endpoint = method === 'GET' || method === 'POST' ? route.methods[method] : undefined;
  if (!endpoint) {
    const allowed = Object.keys(route.methods).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
    return {
      route: route.name,
      response: errorResponse(405, 'method_not_allowed', `use ${allowed.join(' or ')} here`, {
        headers: { allow: allowed.join(', ') },
      }),
    };
  }
  try {
    return { route: route.name, response: await endpoint(request) };
  } catch (err) {
    return { route: route.name, response: failure(route.name, err, log) };
  }
}

/** What an endpoint's exception means for the caller: a 400, a 503, or a logged 500. */
function failure(route: string, err: unknown, log: (line: string) => void): HttpResponse {
  if (err instanceof RequestValidationError) {
    return errorResponse(400, err.code, err.message, err.field === undefined ? {} : { field: err.field });
  }
  if (err instanceof NotFoundError) {
    return errorResponse(404, err.code, err.message, err.field === undefined ? {} : { field: err.field });
  }
  if (err instanceof ModelUnavailableError) {
    log(`http: ${route}: ${err.message}`);
    return noModel();
  }
  log(`http: ${route} failed: ${describe(err)}`);
  return internalError();
}

export const internalError = () =>
  errorResponse(500, 'internal_error', 'the service failed to answer; it has been logged');
