import { sameModel } from '../../models/model-ref';
import { ModelUnavailableError } from '../core/errors';
import type { PredictService } from '../core/predict-service';
import type { RoutingState } from '../core/router';
import type { IdentifyCaller } from './caller';
import type { HttpRequest, HttpResponse } from './http-types';
import { readJsonBody } from './json-body';
import { RateLimiter, type RateLimit } from './rate-limit';
import { costMessage, requestCost } from './request-cost';
import { loggableError } from './loggable-error';
import type { HttpMetrics } from './metrics';
import { modelSummary } from './model-summary';
import { buildOpenApiDocument } from './openapi';
import type { RequestValidators, ValidationProblem } from './request-validation';
import { errorResponse, jsonResponse } from './responses';

export type Endpoint = (request: HttpRequest) => Promise<HttpResponse>;

/** A route: its metrics label and the endpoint for each method it answers. */
export interface Route {
  name: string;
  methods: Partial<Record<'GET' | 'POST', Endpoint>>;
}

export interface ApiContext {
  service: PredictService;
  validators: RequestValidators;
  maxBodyBytes: number;
  /** Largest cost of one prediction request (see request-cost.ts); above it, 413. */
  maxRequestCost: number;
  /** Feedback requests per client; above it, 429. */
  feedbackRate: RateLimit;
  metrics: HttpMetrics;
  log: (line: string) => void;
  registry?: () => RoutingState | Promise<RoutingState>;
  dashboard?: () => Promise<unknown>;
  /** Who sends feedback; without it, feedback is refused (nobody could be named as its giver). */
  identifyCaller?: IdentifyCaller;
}

const RETRY_AFTER_SECONDS = '30';

export const noModel = () =>
  errorResponse(503, 'model_unavailable', 'no model is available to answer yet; retry later', {
    headers: { 'retry-after': RETRY_AFTER_SECONDS },
  });

const invalid = ({ message, field }: ValidationProblem) =>
  errorResponse(400, 'invalid_request', message, field === undefined ? {} : { field });

/** The API's fixed routes, by path; the page's static files are matched after these. */
export function apiRoutes(context: ApiContext): Record<string, Route> {
  const { service, validators, metrics } = context;
  const openApi = JSON.stringify(buildOpenApiDocument(validators.schemas));

  const predict: Endpoint = async (request) => {
    const body = readJsonBody(request, context.maxBodyBytes);
    if (!body.ok) return body.response;
    const checked = validators.predict(body.value);
    if (!checked.ok) return invalid(checked.problem);
    const cost = requestCost(checked.value, context.maxRequestCost);
    if (cost > context.maxRequestCost) {
      return errorResponse(413, 'request_too_expensive', costMessage(cost, context.maxRequestCost));
    }
    const response = await service.predict(checked.value);
    metrics.observePredictions(response.predictions);
    return jsonResponse(200, response);
  };

  const feedback: Endpoint = async (request) => {
    const identified = context.identifyCaller
      ? await context.identifyCaller(request)
      : { problem: 'this deployment identifies no one, so it takes no feedback' };
    if ('problem' in identified) {
      return errorResponse(401, 'unauthenticated', identified.problem, {
        headers: { 'www-authenticate': 'Bearer realm="hscode feedback"' },
      });
    }
    const body = readJsonBody(request, context.maxBodyBytes);
    if (!body.ok) return body.response;
    const checked = validators.feedback(body.value);
    if (!checked.ok) return invalid(checked.problem);
    const { predictionId, hs6, code, note } = checked.value;
    const { key, record } = await service.submitFeedback(
      { predictionId, hs6: (hs6 ?? code) as string, ...(note === undefined ? {} : { note }) },
      identified.caller,
    );
    return jsonResponse(201, {
      key,
      predictionId: record.predictionId,
      hs6: record.hs6,
      receivedAt: record.receivedAt,
      predictionFound: record.prediction !== null,
      givenBy: identified.caller.id,
      ...(record.review ? { heldForReview: record.review.rule } : {}),
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
      if (!(err instanceof ModelUnavailableError)) context.log(`http: health check failed: ${describe(err)}`);
      return noModel();
    }
    const loaded = (await service.models()).map(modelSummary);
    const state = context.registry
      ? await Promise.resolve(context.registry()).catch(() => undefined)
      : undefined;
    const champion = state && loaded.find((m) => sameModel(m, state.champion));
    return jsonResponse(200, { status: 'ok', ...(champion ? { champion } : {}), models: loaded });
  };

  const metricsText: Endpoint = async () => {
    const { contentType, text } = await metrics.exposition();
    return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body: text };
  };

  const dashboard: Endpoint = async () => {
    if (!context.dashboard) {
      return errorResponse(404, 'not_found', 'this deployment has no monitoring dashboard');
    }
    return jsonResponse(200, await context.dashboard());
  };

  const openApiDocument: Endpoint = async () => ({
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' },
    body: openApi,
  });

  return {
    '/v1/predict': { name: '/v1/predict', methods: { POST: predict } },
    '/v1/feedback': {
      name: '/v1/feedback',
      methods: { POST: limitedPerClient(context.feedbackRate, feedback) },
    },
    '/v1/models': { name: '/v1/models', methods: { GET: models } },
    '/v1/dashboard': { name: '/v1/dashboard', methods: { GET: dashboard } },
    '/healthz': { name: '/healthz', methods: { GET: health } },
    '/metrics': { name: '/metrics', methods: { GET: metricsText } },
    '/openapi.json': { name: '/openapi.json', methods: { GET: openApiDocument } },
  };
}

/**
 * Who a per-client limit counts a request against: its network address where the host knows it
 * (the local server), else its credential, else everyone without one together.
 */
const clientOf = (request: HttpRequest) =>
  request.client ??
  request.headers.authorization ??
  request.headers['x-api-key'] ??
  request.headers['x-hscode-caller'] ??
  'anonymous';

/** The endpoint behind a per-client rate limit: 429, with the limit and when to retry, above it. */
function limitedPerClient(limit: RateLimit, endpoint: Endpoint): Endpoint {
  const limiter = new RateLimiter(limit);
  return async (request) => {
    const decision = limiter.take(clientOf(request));
    if (decision.ok) return endpoint(request);
    return errorResponse(
      429,
      'rate_limited',
      `at most ${limit.perSecond} requests per second (bursts of ${limit.burst}) are taken from one client here; retry in ${decision.retryAfterSeconds} s`,
      { headers: { 'retry-after': String(decision.retryAfterSeconds) } },
    );
  };
}

/** An error for the log: one line without machine paths (its stack with HSCODE_DEBUG=1). */
export const describe = (err: unknown) => loggableError(err);
