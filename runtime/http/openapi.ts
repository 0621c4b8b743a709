import type { RequestSchemas } from './request-validation';
import {
  dashboardResponseSchema,
  errorResponseSchema,
  feedbackResponseSchema,
  healthResponseSchema,
  modelsResponseSchema,
  modelSummarySchema,
  predictResponseSchema,
} from './schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: string) => ({ 'application/json': { schema: ref(schema) } });
const error = (description: string) => ({ description, content: json('ErrorResponse') });

const BAD_REQUEST = error(
  'Invalid JSON, invalid UTF-8 or a body that breaks the schema; `field` names where.',
);
const TOO_LARGE = error('The body is larger than the limit (`body_too_large`).');
const TOO_EXPENSIVE = error(
  'The body is larger than the limit (`body_too_large`), or the request costs more than one request may (`request_too_expensive`: characters of each description, times 1 + its distinct words with `explain`, plus a charge per returned candidate; the message states the cost, counted until it passed the limit, and the limit).',
);
const RATE_LIMITED = error(
  'More requests from this client than the limit allows (`rate_limited`); the message states the limit and `Retry-After` when to retry.',
);
const WRONG_HOST = error(
  'The server listens on loopback and the request was addressed to another name (`host_not_allowed`): what a page that rebinds its DNS name to 127.0.0.1 sends.',
);
const WRONG_TYPE = error('The content type is not application/json.');
const UNAUTHENTICATED = {
  ...error(
    'No credential, or one this deployment does not accept (`unauthenticated`): an analyst’s API key (`Authorization: Bearer hsk_…`, from `hscode keys add`) on `hscode serve`; on the clouds, the identity the platform verified (IAM authorization, a Cloud Run identity token, App Service Authentication). A client’s own `X-Hscode-Caller` header is ignored. The message says what is missing.',
  ),
  headers: {
    'WWW-Authenticate': { description: 'The scheme feedback takes.', schema: { type: 'string' } },
  },
};
const UNKNOWN_PREDICTION = error(
  'No prediction with this `predictionId` was made here (`unknown_prediction`, `field`: `predictionId`). Only `hscode serve`, which knows every prediction it made, answers this; the clouds keep such feedback as parked (`predictionFound: false`) and neither score nor train on it until the jobs match it with the audit trail.',
);
const NO_MODEL = error('No model can answer yet (none has loaded); retry later.');
const BUSY = error(
  'The server holds as many request bodies as it may at once (`server_busy`); retry after `Retry-After` seconds.',
);
const BUSY_OR_NO_MODEL = error(
  'No model can answer yet (`model_unavailable`), or the server holds as many request bodies as it may at once (`server_busy`); retry after `Retry-After` seconds.',
);

/**
 * The OpenAPI 3.1 document of the public API. Its component schemas are the very objects the edge
 * compiles, so what is documented is what is enforced, limits included.
 */
export function buildOpenApiDocument(requests: RequestSchemas, version = '1'): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'HS code prediction',
      version,
      description:
        'Predicts Harmonized System (HS 2022) subheadings for product descriptions, and takes the true code back as feedback.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: {
      '/v1/predict': {
        post: {
          operationId: 'predict',
          summary: 'Ranked HS6 candidates for each description',
          requestBody: { required: true, content: json('PredictRequest') },
          responses: {
            '200': {
              description: 'One prediction per description, in order.',
              content: json('PredictResponse'),
            },
            '400': BAD_REQUEST,
            '403': WRONG_HOST,
            '413': TOO_EXPENSIVE,
            '415': WRONG_TYPE,
            '503': BUSY_OR_NO_MODEL,
          },
        },
      },
      '/v1/feedback': {
        post: {
          operationId: 'submitFeedback',
          summary: 'The true code of a prediction',
          description:
            'Each record names its giver. A confident model’s answer corrected to another chapter, outside the candidates it offered, is stored but held for review (`heldForReview`): it neither scores the A/B test nor trains until another analyst releases it.',
          security: [{ analystKey: [] }, { platformIdentity: [] }],
          requestBody: { required: true, content: json('FeedbackRequest') },
          responses: {
            '201': { description: 'Stored.', content: json('FeedbackResponse') },
            '400': BAD_REQUEST,
            '401': UNAUTHENTICATED,
            '403': WRONG_HOST,
            '404': UNKNOWN_PREDICTION,
            '413': TOO_LARGE,
            '415': WRONG_TYPE,
            '429': RATE_LIMITED,
            '503': BUSY,
          },
        },
      },
      '/v1/models': {
        get: {
          operationId: 'listModels',
          summary: 'The models this instance has loaded',
          responses: { '200': { description: 'Loaded models.', content: json('ModelsResponse') } },
        },
      },
      '/v1/dashboard': {
        get: {
          operationId: 'dashboard',
          summary: 'Registry, traffic split, decisions, live accuracy and drift for the monitoring page',
          responses: {
            '200': { description: 'The monitoring document.', content: json('DashboardResponse') },
            '404': error('This deployment serves no dashboard.'),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Ready when a model can answer',
          responses: {
            '200': { description: 'A model is loaded.', content: json('HealthResponse') },
            '503': NO_MODEL,
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics',
          responses: {
            '200': {
              description: 'Prometheus text exposition.',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: {
            '200': {
              description: 'OpenAPI 3.1.',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        analystKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            '`hscode serve`: an analyst’s API key (`hsk_<id>_<secret>`) from `hscode keys add <name>`.',
        },
        platformIdentity: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The clouds: the caller the platform verified before the function ran (AWS IAM authorization, a Cloud Run identity token, Azure App Service Authentication).',
        },
      },
      schemas: {
        PredictRequest: requests.predict,
        PredictResponse: predictResponseSchema,
        FeedbackRequest: requests.feedback,
        FeedbackResponse: feedbackResponseSchema,
        ModelsResponse: modelsResponseSchema,
        ModelSummary: modelSummarySchema,
        HealthResponse: healthResponseSchema,
        DashboardResponse: dashboardResponseSchema,
        ErrorResponse: errorResponseSchema,
      },
    },
  };
}
