import { performance } from 'node:perf_hooks';
import { ModelUnavailableError, RequestValidationError } from '../core/errors';
import { DEFAULT_LIMITS, type PredictLimits } from '../core/predict-request';
import type { PredictService } from '../core/predict-service';
import type { RoutingState } from '../core/router';
import { DEFAULT_MAX_BODY_BYTES, type HttpHandler, type HttpRequest, type HttpResponse } from './http-types';
import { readJsonBody } from './json-body';
import { HttpMetrics } from './metrics';
import { modelSummary } from './model-summary';
import { buildOpenApiDocument } from './openapi';
import { requestValidators, type ValidationProblem } from './request-validation';
import { errorResponse, jsonResponse, SECURITY_HEADERS } from './responses';
import { defaultWebRoot, readStaticFile, staticFileName } from './static-files';

export type { HttpHandler, HttpRequest, HttpResponse } from './http-types';

export interface HttpLimits extends PredictLimits {
  /** Request body bytes (default 1 MiB). */
  maxBodyBytes: number;
}

export interface HttpHandlerDeps {
  service: PredictService;
  /** The page's folder (default: runtime/web). */
  webRoot?: string;
  /** Edge limits; the service applies its own as well, so keep them equal. */
  limits?: Partial<HttpLimits>;
  log?: (line: string) => void;
  /** Defaults to a fresh set; pass one to count model load failures from the service's log too. */
  metrics?: HttpMetrics;
  /** The same registry reader the service routes with: lets /healthz name the champion. */
  registry?: () => RoutingState | Promise<RoutingState>;
  /**
   * The monitoring page's document (`GET /v1/dashboard`); a deployment that cannot assemble it
   * leaves it out and the route answers 404.
   */
  dashboard?: () => Promise<unknown>;
}

type Endpoint = (request: HttpRequest) => Promise<HttpResponse>;

/** A route: its metrics label and the endpoint for each method it answers. */
interface Route {
  name: string;
  methods: Partial<Record<'GET' | 'POST', Endpoint>>;
}

const RETRY_AFTER_SECONDS = '30';

const noModel = () =>
  errorResponse(503, 'model_unavailable', 'no model is available to answer yet; retry later', {
    headers: { 'retry-after': RETRY_AFTER_SECONDS },
  });

/** The request target's path: without query or fragment. */
const pathOf = (target: string) => target.split(/[?#]/, 1)[0] ?? '';

/**
 * The public HTTP API as one function from request to response, free of any server framework so
 * that the local server and every cloud entry point wrap exactly the same behaviour. A request can
 * only ever produce a 2xx, a 4xx, a 503 when no model is loaded, or a logged 500 for a defect;
 * nothing is thrown out of it.
 */
export function createHttpHandler(deps: HttpHandlerDeps): HttpHandler {
  const { service } = deps;
  const limits: HttpLimits = { ...DEFAULT_LIMITS, maxBodyBytes: DEFAULT_MAX_BODY_BYTES, ...deps.limits };
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const metrics = deps.metrics ?? new HttpMetrics();
  const webRoot = deps.webRoot ?? defaultWebRoot();
  const validators = requestValidators(limits);
  const openApi = JSON.stringify(buildOpenApiDocument(validators.schemas));

  const predict: Endpoint = async (request) => {
    const body = readJsonBody(request, limits.maxBodyBytes);
    if (!body.ok) return body.response;
    const checked = validators.predict(body.value);
    if (!checked.ok) return invalid(checked.problem);
    const response = await service.predict(checked.value);
    metrics.observePredictions(response.predictions);
    return jsonResponse(200, response);
  };

  const feedback: Endpoint = async (request) => {
    const body = readJsonBody(request, limits.maxBodyBytes);
    if (!body.ok) return body.response;
    const checked = validators.feedback(body.value);
    if (!checked.ok) return invalid(checked.problem);
    const { predictionId, hs6, code, note } = checked.value;
    const { key, record } = await service.submitFeedback({
      predictionId,
      hs6: (hs6 ?? code) as string,
      ...(note === undefined ? {} : { note }),
    });
    return jsonResponse(201, {
      key,
      predictionId: record.predictionId,
      hs6: record.hs6,
      receivedAt: record.receivedAt,
      predictionFound: record.prediction !== null,
    });
  };

  const models: Endpoint = async () => {
    // Loads what the routing state names, so a fresh instance does not answer with an empty list;
    // a model that cannot load is simply not listed (the pool logs why).
    await service.preload().catch(() => undefined);
    return jsonResponse(200, { models: (await service.models()).map(modelSummary) });
  };

  const health: Endpoint = async () => {
    try {
      await service.preload();
    } catch (err) {
      if (!(err instanceof ModelUnavailableError)) log(`http: health check failed: ${describe(err)}`);
      return noModel();
    }
    const loaded = (await service.models()).map(modelSummary);
    const state = deps.registry ? await Promise.resolve(deps.registry()).catch(() => undefined) : undefined;
    const champion = loaded.find(
      (m) => m.variant === state?.champion.variant && m.version === state?.champion.version,
    );
    return jsonResponse(200, { status: 'ok', ...(champion ? { champion } : {}), models: loaded });
  };

  const metricsText: Endpoint = async () => {
    const { contentType, text } = await metrics.exposition();
    return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body: text };
  };

  const dashboard: Endpoint = async () => {
    if (!deps.dashboard) {
      return errorResponse(404, 'not_found', 'this deployment has no monitoring dashboard');
    }
    return jsonResponse(200, await deps.dashboard());
  };

  const openApiDocument: Endpoint = async () => ({
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' },
    body: openApi,
  });

  const routes: Record<string, Route> = {
    '/v1/predict': { name: '/v1/predict', methods: { POST: predict } },
    '/v1/feedback': { name: '/v1/feedback', methods: { POST: feedback } },
    '/v1/models': { name: '/v1/models', methods: { GET: models } },
    '/v1/dashboard': { name: '/v1/dashboard', methods: { GET: dashboard } },
    '/healthz': { name: '/healthz', methods: { GET: health } },
    '/metrics': { name: '/metrics', methods: { GET: metricsText } },
    '/openapi.json': { name: '/openapi.json', methods: { GET: openApiDocument } },
  };

  /** A file of the page, when the path names one that exists. */
  async function staticRoute(path: string): Promise<Route | undefined> {
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

  async function respond(
    request: HttpRequest,
    path: string,
  ): Promise<{ route: string; response: HttpResponse }> {
    const route = Object.hasOwn(routes, path) ? routes[path] : await staticRoute(path);
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
      return { route: route.name, response: failure(route.name, err) };
    }
  }

  function failure(route: string, err: unknown): HttpResponse {
    if (err instanceof RequestValidationError) {
      return errorResponse(400, err.code, err.message, err.field === undefined ? {} : { field: err.field });
    }
    if (err instanceof ModelUnavailableError) {
      log(`http: ${route}: ${err.message}`);
      return noModel();
    }
    log(`http: ${route} failed: ${describe(err)}`);
    return internalError();
  }

  return async (request) => {
    const started = performance.now();
    let route = 'unmatched';
    let response: HttpResponse;
    try {
      ({ route, response } = await respond(request, pathOf(request.path)));
    } catch (err) {
      log(`http: unexpected failure: ${describe(err)}`);
      response = internalError();
    }
    metrics.observeRequest(
      route,
      metricsMethod(request.method),
      response.status,
      (performance.now() - started) / 1000,
    );
    return finish(request, response);
  };
}

const invalid = ({ message, field }: ValidationProblem) =>
  errorResponse(400, 'invalid_request', message, field === undefined ? {} : { field });

const internalError = () =>
  errorResponse(500, 'internal_error', 'the service failed to answer; it has been logged');

const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

// Method names come from the client: only the ones HTTP defines become a label value.
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
]);
const metricsMethod = (method: string) => (KNOWN_METHODS.has(method) ? method : 'other');

/** Security headers on everything; HEAD gets GET's headers and no body. */
function finish(request: HttpRequest, response: HttpResponse): HttpResponse {
  const headers = { ...response.headers, ...SECURITY_HEADERS };
  if (request.method !== 'HEAD') return { ...response, headers };
  const length =
    typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.byteLength;
  return { status: response.status, headers: { ...headers, 'content-length': String(length) }, body: '' };
}
