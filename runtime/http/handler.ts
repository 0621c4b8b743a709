import { performance } from 'node:perf_hooks';
import { DEFAULT_LIMITS, type PredictLimits } from '../core/predict-request';
import type { PredictService } from '../core/predict-service';
import type { RoutingState } from '../core/router';
import { apiRoutes, describe } from './api-routes';
import type { IdentifyCaller } from './caller';
import { dispatch, internalError, type Dispatched } from './dispatch';
import { DEFAULT_MAX_BODY_BYTES, type HttpHandler, type HttpRequest, type HttpResponse } from './http-types';
import { HttpMetrics } from './metrics';
import type { RateLimit } from './rate-limit';
import { DEFAULT_MAX_REQUEST_COST } from './request-cost';
import { requestValidators } from './request-validation';
import { SECURITY_HEADERS } from './responses';
import { defaultWebRoot } from './static-files';

export type { HttpHandler, HttpRequest, HttpResponse } from './http-types';

export interface HttpLimits extends PredictLimits {
  /** Request body bytes (default 1 MiB). */
  maxBodyBytes: number;
  /** Cost of one prediction request, in the units of request-cost.ts (413 above it). */
  maxRequestCost: number;
  /** Feedback requests per client (429 above it). */
  feedbackRate: RateLimit;
}

/** Per analyst, far above what a person types and far below what a script floods with. */
export const DEFAULT_FEEDBACK_RATE: RateLimit = { perSecond: 5, burst: 20 };

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
  /** Who sends feedback (an analyst's API key, or the cloud's verified caller); none: feedback answers 401. */
  identifyCaller?: IdentifyCaller;
}

/**
 * The public HTTP API as one function from request to response, free of any server framework so
 * that the local server and every cloud entry point wrap exactly the same behaviour. A request can
 * only ever produce a 2xx, a 4xx, a 503 when no model is loaded, or a logged 500 for a defect;
 * nothing is thrown out of it.
 */
export function createHttpHandler(deps: HttpHandlerDeps): HttpHandler {
  const limits: HttpLimits = {
    ...DEFAULT_LIMITS,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    maxRequestCost: DEFAULT_MAX_REQUEST_COST,
    feedbackRate: DEFAULT_FEEDBACK_RATE,
    ...deps.limits,
  };
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const metrics = deps.metrics ?? new HttpMetrics();
  const webRoot = deps.webRoot ?? defaultWebRoot();
  const routes = apiRoutes({
    service: deps.service,
    validators: requestValidators(limits),
    maxBodyBytes: limits.maxBodyBytes,
    maxRequestCost: limits.maxRequestCost,
    feedbackRate: limits.feedbackRate,
    metrics,
    log,
    ...(deps.registry && { registry: deps.registry }),
    ...(deps.dashboard && { dashboard: deps.dashboard }),
    ...(deps.identifyCaller && { identifyCaller: deps.identifyCaller }),
  });

  return async (request) => {
    const started = performance.now();
    let dispatched: Dispatched;
    try {
      dispatched = await dispatch(routes, webRoot, request, log);
    } catch (err) {
      log(`http: unexpected failure: ${describe(err)}`);
      dispatched = { route: 'unmatched', response: internalError() };
    }
    metrics.observeRequest(
      dispatched.route,
      metricsMethod(request.method),
      dispatched.response.status,
      (performance.now() - started) / 1000,
    );
    return finish(request, dispatched.response);
  };
}

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
