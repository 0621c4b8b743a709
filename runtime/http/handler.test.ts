import Ajv2020, { type SchemaObject } from 'ajv/dist/2020';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTinyModel, type TrainedModel } from '../../tests/helpers/trained-model';
import { LocalAuditSink } from '../core/local-audit-sink';
import { OnnxClassifier } from '../core/onnx-classifier';
import { PredictService, type PredictServiceOptions } from '../core/predict-service';
import type { RoutingState } from '../core/router';
import { releaseSharedSessions } from '../core/session-cache';
import { LocalAuditTrail } from '../jobs/local-audit-trail';
import { buildDashboard } from '../monitoring/dashboard-data';
import { Registry } from '../registry/registry';
import { LocalObjectStore } from '../store/local-store';
import { addApiKey, revokeApiKey } from '../core/api-keys';
import { apiKeyCaller } from './caller';
import { createHttpHandler, type HttpHandler, type HttpHandlerDeps, type HttpResponse } from './handler';
import { HttpMetrics } from './metrics';
import {
  dashboardResponseSchema,
  errorResponseSchema,
  feedbackResponseSchema,
  healthResponseSchema,
  modelsResponseSchema,
  predictRequestSchema,
  predictResponseSchema,
} from './schemas';
import { defaultWebRoot } from './static-files';

const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
const conforms = (schema: SchemaObject, value: unknown) => {
  const validate = ajv.compile(schema);
  expect({ valid: validate(value), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
};

interface Call {
  method?: string;
  body?: unknown;
  /** Sent as is, instead of JSON.stringify(body). */
  raw?: Uint8Array | string;
  headers?: Record<string, string | undefined>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
/** The analyst's key feedback is sent with, unless a test sends other headers. */
let analystKey = '';

async function call(handler: HttpHandler, path: string, options: Call = {}): Promise<HttpResponse> {
  const method = options.method ?? (options.body === undefined && options.raw === undefined ? 'GET' : 'POST');
  const raw = options.raw ?? (options.body === undefined ? '' : JSON.stringify(options.body));
  const response = await handler({
    method,
    path,
    headers: {
      ...(method === 'POST' ? JSON_HEADERS : {}),
      ...(path === '/v1/feedback' ? { authorization: `Bearer ${analystKey}` } : {}),
      ...options.headers,
    },
    body: typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw,
  });
  // Every response, whatever it is, carries the security headers.
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
  expect(response.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  return response;
}

const text = (response: HttpResponse) =>
  typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('utf8');
const json = (response: HttpResponse) => JSON.parse(text(response)) as Record<string, unknown>;

function expectError(response: HttpResponse, status: number, code: string, field?: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = json(response);
  conforms(errorResponseSchema, body);
  expect(body).toEqual({ error: { code, message: expect.any(String), ...(field ? { field } : {}) } });
  return (body.error as { message: string }).message;
}

/** Prometheus text exposition → "name{labels}" → value, checking every sample line parses. */
function parseMetrics(exposition: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
    expect(match).not.toBeNull();
    const value = Number(match?.[2]);
    expect(Number.isNaN(value) && match?.[2] !== 'NaN').toBe(false);
    samples.set(match?.[1] as string, value);
  }
  return samples;
}

describe('createHttpHandler', () => {
  let model: TrainedModel;
  const services: PredictService[] = [];
  // The web root sits in a folder of this run's own, beside the file it must not serve: a file
  // next to a root made directly in the system temp folder would be shared by every run.
  const webRoot = join(mkdtempSync(join(tmpdir(), 'hscode-web-')), 'web');

  function serviceFor(state: RoutingState, extra: Partial<PredictServiceOptions> = {}) {
    const audit = new LocalAuditSink(model.home);
    const created = new PredictService({
      store: new LocalObjectStore(model.home),
      audit,
      predictionLookup: audit,
      registry: () => state,
      log: () => undefined,
      ...extra,
    });
    services.push(created);
    return created;
  }

  function handlerFor(options: Partial<HttpHandlerDeps> & { state?: RoutingState } = {}) {
    const { state = { champion: model.ref, challengers: [], shadows: [] }, ...deps } = options;
    const logs: string[] = [];
    const metrics = deps.metrics ?? new HttpMetrics({ processMetrics: false });
    const service =
      deps.service ?? serviceFor(state, { log: metrics.countingModelLoadFailures((l) => logs.push(l)) });
    const handler = createHttpHandler({
      webRoot,
      registry: () => state,
      log: (line) => logs.push(line),
      identifyCaller: apiKeyCaller(model.home),
      ...deps,
      service,
      metrics,
    });
    return { handler, logs, service, metrics };
  }

  beforeAll(async () => {
    model = await trainTinyModel();
    analystKey = (await addApiKey(model.home, 'handler tests')).key;
    mkdirSync(webRoot);
    writeFileSync(
      join(webRoot, 'index.html'),
      '<!doctype html><title>HS</title><script src="app.js"></script>',
    );
    writeFileSync(join(webRoot, 'app.js'), 'console.log("app");');
    writeFileSync(join(webRoot, 'app.css'), 'body { margin: 0 }');
    writeFileSync(join(webRoot, '.env.js'), 'secret');
    writeFileSync(join(webRoot, 'notes.exe'), 'binary');
    mkdirSync(join(webRoot, 'sub'));
    writeFileSync(join(webRoot, 'sub', 'inner.js'), 'inner');
    writeFileSync(join(webRoot, '..', 'outside.js'), 'outside');
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await releaseSharedSessions();
  });

  describe('POST /v1/predict', () => {
    it('answers each description in the documented shape and counts the predictions', async () => {
      const { handler, metrics } = handlerFor();
      const descriptions = ['live ornamental fish', 'frozen fish fillets', 'cotton t-shirt'];
      const response = await call(handler, '/v1/predict', { body: { descriptions, topK: 3 } });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = json(response);
      conforms(predictResponseSchema, body);
      const predictions = body.predictions as Array<{ candidates: unknown[]; needsReview: boolean }>;
      expect(predictions).toHaveLength(3);
      for (const p of predictions) expect(p.candidates).toHaveLength(3);

      const samples = parseMetrics((await metrics.exposition()).text);
      expect(samples.get('hscode_predictions_total{variant="textcnn"}')).toBe(3);
      const reviews = predictions.filter((p) => p.needsReview).length;
      expect(samples.get('hscode_predictions_needs_review_total{variant="textcnn"}') ?? 0).toBe(reviews);
    });

    it('explains the top code when asked to', async () => {
      const { handler } = handlerFor();
      const response = await call(handler, '/v1/predict', {
        body: { descriptions: ['live fish'], explain: true, topK: 1, key: 'customer-1' },
      });
      const body = json(response);
      conforms(predictResponseSchema, body);
      const [prediction] = body.predictions as Array<{ explanation: Array<{ word: string }> }>;
      expect(prediction?.explanation.map((w) => w.word).sort()).toEqual(['fish', 'live']);
    });

    it.each([
      ['a JSON array', [], undefined, 'the request body must be a JSON object'],
      ['a JSON string', 'fish', undefined, 'must be a JSON object'],
      ['null', null, undefined, 'must be a JSON object'],
      ['no descriptions', {}, 'descriptions', 'descriptions is required'],
      ['an empty list', { descriptions: [] }, 'descriptions', 'at least 1 item'],
      ['a string for the list', { descriptions: 'fish' }, 'descriptions', 'must be an array'],
      ['a number in the list', { descriptions: ['fish', 'eggs', 42] }, 'descriptions[2]', 'must be a string'],
      ['a blank description', { descriptions: ['fish', ' \t\n '] }, 'descriptions[1]', 'must not be blank'],
      ['an empty description', { descriptions: [''] }, 'descriptions[0]', 'must not be empty'],
      ['a null description', { descriptions: [null] }, 'descriptions[0]', 'must be a string'],
      [
        '1,001 characters',
        { descriptions: ['x'.repeat(1001)] },
        'descriptions[0]',
        'at most 1000 characters',
      ],
      ['257 descriptions', { descriptions: Array(257).fill('fish') }, 'descriptions', 'at most 256 items'],
      ['topK 0', { descriptions: ['fish'], topK: 0 }, 'topK', 'topK must be at least 1'],
      ['topK 21', { descriptions: ['fish'], topK: 21 }, 'topK', 'topK must be at most 20'],
      ['topK 2.5', { descriptions: ['fish'], topK: 2.5 }, 'topK', 'topK must be an integer'],
      ['topK "5"', { descriptions: ['fish'], topK: '5' }, 'topK', 'topK must be an integer'],
      ['explain "yes"', { descriptions: ['fish'], explain: 'yes' }, 'explain', 'must be true or false'],
      ['an empty key', { descriptions: ['fish'], key: '' }, 'key', 'key must not be empty'],
      ['a 257-character key', { descriptions: ['fish'], key: 'k'.repeat(257) }, 'key', 'at most 256'],
      ['an unknown field', { descriptions: ['fish'], top_k: 3 }, 'top_k', 'top_k is not a known field'],
    ])('refuses %s with 400 invalid_request naming the field', async (_label, body, field, words) => {
      const { handler } = handlerFor();
      const message = expectError(
        await call(handler, '/v1/predict', { body }),
        400,
        'invalid_request',
        field,
      );
      expect(message).toContain(words);
      if (field) expect(message.startsWith(field)).toBe(true);
    });

    it('takes its limits from the options, and keeps the core as a second line of defence', async () => {
      const edge = handlerFor({ limits: { maxItems: 2, maxChars: 10 } });
      expectError(
        await call(edge.handler, '/v1/predict', { body: { descriptions: ['a', 'b', 'c'] } }),
        400,
        'invalid_request',
        'descriptions',
      );
      expect((await call(edge.handler, '/v1/predict', { body: { descriptions: ['a', 'b'] } })).status).toBe(
        200,
      );
      // The edge lets 1,500 characters through; the service's own limit still refuses them.
      const lenient = handlerFor({ limits: { maxChars: 2000 } });
      const message = expectError(
        await call(lenient.handler, '/v1/predict', { body: { descriptions: ['x'.repeat(1500)] } }),
        400,
        'description_too_long',
        'descriptions[0]',
      );
      expect(message).toContain('the limit is 1000');
    });

    it('refuses bodies that are not JSON, not UTF-8, empty or too large', async () => {
      const { handler } = handlerFor({ limits: { maxBodyBytes: 1000 } });
      expectError(await call(handler, '/v1/predict', { raw: '{"descriptions": [' }), 400, 'invalid_json');
      expectError(
        await call(handler, '/v1/predict', { raw: "{'descriptions': ['x']}" }),
        400,
        'invalid_json',
      );
      expectError(await call(handler, '/v1/predict', { raw: '' }), 400, 'invalid_json');
      const notUtf8 = Uint8Array.from([...Buffer.from('{"descriptions":["caf'), 0xe9, ...Buffer.from('"]}')]);
      expectError(await call(handler, '/v1/predict', { raw: notUtf8 }), 400, 'invalid_utf8');
      const large = JSON.stringify({ descriptions: ['x'.repeat(990)] });
      expectError(await call(handler, '/v1/predict', { raw: large }), 413, 'body_too_large');
    });

    it('never echoes the body back in an error', async () => {
      const { handler } = handlerFor();
      const secret = 'customer-secret-4111111111111111';
      const response = await call(handler, '/v1/predict', { raw: `{"descriptions": ["${secret}"` });
      expect(text(response)).not.toContain(secret);
    });

    it.each([
      ['no content type', undefined],
      ['text/plain', 'text/plain'],
      ['form data', 'application/x-www-form-urlencoded'],
      ['another charset', 'application/json; charset=iso-8859-1'],
      ['a JSON-like type', 'application/jsonp'],
    ])('answers 415 for %s', async (_label, contentType) => {
      const { handler } = handlerFor();
      const response = await call(handler, '/v1/predict', {
        body: { descriptions: ['fish'] },
        headers: { 'content-type': contentType },
      });
      expectError(response, 415, 'unsupported_media_type');
    });

    it.each(['application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])(
      'accepts %s',
      async (contentType) => {
        const { handler } = handlerFor();
        const response = await call(handler, '/v1/predict', {
          body: { descriptions: ['fish'] },
          headers: { 'content-type': contentType },
        });
        expect(response.status).toBe(200);
      },
    );

    it('answers 503 with the envelope when no model can be loaded, and counts the failure', async () => {
      const missing = { variant: 'textcnn', version: 'textcnn-000000000000' };
      const { handler, logs, metrics } = handlerFor({
        state: { champion: missing, challengers: [], shadows: [] },
      });
      const response = await call(handler, '/v1/predict', { body: { descriptions: ['fish'] } });
      expectError(response, 503, 'model_unavailable');
      expect(response.headers['retry-after']).toBe('30');
      expect(text(response)).not.toContain('textcnn-000000000000');
      expect(logs.join('\n')).toContain('textcnn/textcnn-000000000000 (champion) was not loaded');
      const samples = parseMetrics((await metrics.exposition()).text);
      expect(samples.get('hscode_model_load_failures_total{variant="textcnn",role="champion"}')).toBe(1);
      expectError(await call(handler, '/healthz'), 503, 'model_unavailable');
    });

    it('answers 500 with a generic message and logs the cause when the model fails unexpectedly', async () => {
      const service = serviceFor(
        { champion: model.ref, challengers: [], shadows: [] },
        {
          loadClassifier: async (ref) => {
            const real = await OnnxClassifier.load(new LocalObjectStore(model.home), ref);
            return {
              info: real.info,
              predict: () => Promise.reject(new Error('tensor exploded at /srv/hscode/models/x.onnx')),
            };
          },
        },
      );
      const { handler, logs } = handlerFor({ service });
      const response = await call(handler, '/v1/predict', { body: { descriptions: ['fish'] } });
      const message = expectError(response, 500, 'internal_error');
      expect(message).not.toContain('tensor exploded');
      expect(text(response)).not.toMatch(/\/srv\/|at .*\.ts/);
      // The cause, in one line: no stack trace, no machine path (HSCODE_DEBUG=1 would show both).
      expect(logs.join('\n')).toContain('/v1/predict failed: tensor exploded at .../x.onnx');
      expect(logs.join('\n')).not.toMatch(/\/srv\/|\n\s+at /);
    });
  });

  describe('POST /v1/feedback', () => {
    it('stores the true code of a prediction and answers 201 with the record key', async () => {
      const { handler } = handlerFor();
      const predicted = json(await call(handler, '/v1/predict', { body: { descriptions: ['live fish'] } }));
      const { predictionId } = (predicted.predictions as Array<{ predictionId: string }>)[0] ?? {};
      const response = await call(handler, '/v1/feedback', {
        body: { predictionId, hs6: '0301.11', note: 'aquarium fish' },
      });
      expect(response.status).toBe(201);
      const body = json(response);
      conforms(feedbackResponseSchema, body);
      expect(body).toMatchObject({ predictionId, hs6: '030111', predictionFound: true });
      const stored = JSON.parse(readFileSync(join(model.home, body.key as string), 'utf8')) as object;
      expect(stored).toMatchObject({ predictionId, hs6: '030111', note: 'aquarium fish' });
      expect(stored).toHaveProperty('prediction.version', model.ref.version);
    });

    it('accepts the code under "code", names the giver, and refuses a prediction it does not know with 404', async () => {
      const { handler } = handlerFor();
      const predicted = json(
        await call(handler, '/v1/predict', { body: { descriptions: ['cotton shirt'] } }),
      );
      const { predictionId } = (predicted.predictions as Array<{ predictionId: string }>)[0] ?? {};
      const response = await call(handler, '/v1/feedback', {
        body: { predictionId: predictionId?.toUpperCase(), code: '6109 10 00' },
      });
      expect(response.status).toBe(201);
      const id = analystKey.split('_')[1];
      expect(json(response)).toMatchObject({ predictionId, hs6: '610910', givenBy: `key:${id}` });
      const stored = JSON.parse(
        readFileSync(join(model.home, json(response).key as string), 'utf8'),
      ) as object;
      expect(stored).toMatchObject({ givenBy: { id: `key:${id}`, via: 'api-key' } });
      expect(JSON.stringify(stored)).not.toContain(analystKey);
      const unknown = '3F6C1A52-8D0E-4B7A-9C61-2F4E5D6A7B8C';
      expectError(
        await call(handler, '/v1/feedback', { body: { predictionId: unknown, hs6: '610910' } }),
        404,
        'unknown_prediction',
        'predictionId',
      );
    });

    it('refuses feedback without a valid key with 401, whatever the client claims to be', async () => {
      const { handler } = handlerFor();
      const body = { predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c', hs6: '610910' };
      const refused = async (headers: Record<string, string | undefined>) => {
        const response = await call(handler, '/v1/feedback', { body, headers });
        expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
        return expectError(response, 401, 'unauthenticated');
      };
      expect(await refused({ authorization: undefined })).toMatch(/no API key was sent.*hscode keys add/);
      expect(await refused({ authorization: 'Bearer hsk_00000000_' + 'A'.repeat(43) })).toMatch(
        /not known here/,
      );
      expect(await refused({ authorization: `Bearer ${analystKey.slice(0, -1)}x` })).toMatch(
        /not known here/,
      );
      // The cloud hosts' header means nothing to the embedded server.
      expect(
        await refused({ authorization: undefined, 'x-hscode-caller': 'arn:aws:iam::1:role/admin' }),
      ).toMatch(/no API key/);
      const { id, key } = await addApiKey(model.home, 'leaver');
      await revokeApiKey(model.home, id);
      expect(await refused({ authorization: `Bearer ${key}` })).toMatch(/revoked/);
      // And a handler that identifies nobody takes no feedback at all.
      const anonymous = createHttpHandler({ service: handlerFor().service, webRoot, log: () => undefined });
      expectError(await call(anonymous, '/v1/feedback', { body }), 401, 'unauthenticated');
    });

    it('documents in OpenAPI every status it answers feedback with, 401 and 404 included', async () => {
      const { handler } = handlerFor({ limits: { maxBodyBytes: 2048 } });
      const document = json(await call(handler, '/openapi.json')) as {
        paths: Record<
          string,
          { post: { responses: Record<string, { headers?: object }>; security?: unknown } }
        >;
      };
      const documented = document.paths['/v1/feedback']!.post;
      const predicted = json(await call(handler, '/v1/predict', { body: { descriptions: ['live fish'] } }));
      const { predictionId } = (predicted.predictions as Array<{ predictionId: string }>)[0] ?? {};
      const unknown = '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c';
      const answers = [
        await call(handler, '/v1/feedback', { body: { predictionId, hs6: '0301.11' } }),
        await call(handler, '/v1/feedback', { body: { predictionId, hs6: '12' } }),
        await call(handler, '/v1/feedback', {
          body: { predictionId, hs6: '0301.11' },
          headers: { authorization: undefined },
        }),
        await call(handler, '/v1/feedback', { body: { predictionId: unknown, hs6: '0301.11' } }),
        await call(handler, '/v1/feedback', {
          body: { predictionId, hs6: '0301.11', note: 'x'.repeat(4096) },
        }),
        await call(handler, '/v1/feedback', { raw: '{}', headers: { 'content-type': 'text/plain' } }),
      ];
      expect(answers.map((a) => a.status)).toEqual([201, 400, 401, 404, 413, 415]);
      for (const answer of answers)
        expect(Object.keys(documented.responses)).toContain(String(answer.status));
      expect(documented.responses['401']?.headers).toHaveProperty('WWW-Authenticate');
      expect(documented.security).toEqual([{ analystKey: [] }, { platformIdentity: [] }]);
    });

    it.each([
      ['no predictionId', { hs6: '6109.10' }, 'invalid_request', 'predictionId'],
      [
        'a predictionId that is no UUID',
        { predictionId: 'abc', hs6: '6109.10' },
        'invalid_request',
        'predictionId',
      ],
      ['no code', { predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c' }, 'invalid_request', 'hs6'],
      [
        'both hs6 and code',
        { predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c', hs6: '610910', code: '610910' },
        'invalid_request',
        'hs6',
      ],
      [
        'a code of 4 digits',
        { predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c', hs6: '6109' },
        'invalid_request',
        'hs6',
      ],
      [
        'a number for the code',
        { predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c', code: 610910 },
        'invalid_request',
        'code',
      ],
      [
        'a note of 2,001 characters',
        { predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c', hs6: '610910', note: 'n'.repeat(2001) },
        'invalid_request',
        'note',
      ],
      [
        // Well-formed, so the edge lets it through; the core knows 9999.99 is no HS 2022 subheading.
        'a subheading that does not exist',
        { predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c', hs6: '9999.99' },
        'unknown_subheading',
        'hs6',
      ],
    ])('refuses %s with 400', async (_label, body, code, field) => {
      const { handler } = handlerFor();
      expectError(await call(handler, '/v1/feedback', { body }), 400, code, field);
    });

    it('applies the same body checks as predict', async () => {
      const { handler } = handlerFor();
      expectError(await call(handler, '/v1/feedback', { raw: '{' }), 400, 'invalid_json');
      const response = await call(handler, '/v1/feedback', {
        body: { predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c', hs6: '610910' },
        headers: { 'content-type': 'text/plain' },
      });
      expectError(response, 415, 'unsupported_media_type');
    });
  });

  describe('cost and rate limits', () => {
    it('answers 413 to a prediction request over the cost budget, stating its cost and the limit', async () => {
      const limit = 50_000;
      const { handler, service } = handlerFor({ limits: { maxRequestCost: limit } });
      const predictions = jest.spyOn(service, 'predict');
      const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
      // 10 descriptions of 474 characters and 60 distinct words each, 20 candidates: 10 × 20 × 10,
      // then 474 × 61 per description, counted only until the limit is passed (at the second).
      const body = { descriptions: Array(10).fill(long), topK: 20, explain: true };
      const message = expectError(await call(handler, '/v1/predict', { body }), 413, 'request_too_expensive');
      expect(message).toContain(`costs at least ${2 * long.length * 61 + 2000} units`);
      expect(message).toContain(`the limit is ${limit} per request`);
      expect(predictions).not.toHaveBeenCalled();
      // The same descriptions without explain, or one of them explained, are within it.
      expect((await call(handler, '/v1/predict', { body: { ...body, explain: false } })).status).toBe(200);
      const one = { descriptions: [long], topK: 5, explain: true };
      expect((await call(handler, '/v1/predict', { body: one })).status).toBe(200);
    });

    it('takes every request the size limits allow without explain under the default budget', async () => {
      const { handler } = handlerFor();
      const body = { descriptions: Array(256).fill('x'.repeat(1000)), topK: 20 };
      expect((await call(handler, '/v1/predict', { body })).status).toBe(200);
    });

    it('answers 429 to a client over the feedback rate, with Retry-After, and counts clients apart', async () => {
      const { handler } = handlerFor({ limits: { feedbackRate: { perSecond: 1, burst: 3 } } });
      const body = { predictionId: '3f2b8c1e-0d4a-4b5e-9c7d-1a2b3c4d5e6f', hs6: '610910' };
      const from = async (client: string) => {
        const response = await handler({
          method: 'POST',
          path: '/v1/feedback',
          headers: JSON_HEADERS,
          body: Buffer.from(JSON.stringify(body)),
          client,
        });
        return response;
      };
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await from('10.0.0.1')).status);
      expect(statuses.map((status) => status === 429)).toEqual([false, false, false, true, true]);
      const refused = await from('10.0.0.1');
      expect(refused.headers['retry-after']).toBe('1');
      expect(expectError(refused, 429, 'rate_limited')).toMatch(
        /at most 1 requests per second \(bursts of 3\)/,
      );
      expect((await from('10.0.0.2')).status).not.toBe(429);
    });
  });

  describe('GET routes', () => {
    it('/v1/models lists the loaded models in the documented shape', async () => {
      const { handler } = handlerFor();
      const response = await call(handler, '/v1/models');
      expect(response.status).toBe(200);
      const body = json(response);
      conforms(modelsResponseSchema, body);
      expect(body.models).toEqual([
        expect.objectContaining({
          variant: model.ref.variant,
          version: model.ref.version,
          modelSha256: model.manifest.onnx.sha256,
          labels: model.manifest.labels.count,
        }),
      ]);
    });

    it('/healthz answers 200 with the champion once a model is loaded', async () => {
      const { handler } = handlerFor();
      const response = await call(handler, '/healthz?probe=1');
      expect(response.status).toBe(200);
      const body = json(response);
      conforms(healthResponseSchema, body);
      expect(body).toMatchObject({ status: 'ok', champion: { version: model.ref.version } });
    });

    it('HEAD answers with the headers of GET and no body', async () => {
      const { handler } = handlerFor();
      const get = await call(handler, '/v1/models');
      const head = await call(handler, '/v1/models', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers['content-length']).toBe(String(Buffer.byteLength(text(get))));
    });

    it('/openapi.json is OpenAPI 3.1 built from the schemas the edge enforces', async () => {
      const { handler } = handlerFor({ limits: { maxItems: 7 } });
      const response = await call(handler, '/openapi.json');
      expect(response.status).toBe(200);
      const doc = json(response) as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: Record<string, SchemaObject> };
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.components.schemas.PredictRequest).toEqual(
        JSON.parse(JSON.stringify(predictRequestSchema({ maxItems: 7, maxChars: 1000 }))),
      );
      expect(doc.components.schemas.PredictRequest).toHaveProperty('properties.descriptions.maxItems', 7);
      expect(Object.keys(doc.paths).sort()).toEqual(
        [
          '/healthz',
          '/metrics',
          '/openapi.json',
          '/v1/dashboard',
          '/v1/feedback',
          '/v1/models',
          '/v1/predict',
        ].sort(),
      );
      expect(doc.paths['/v1/predict']).toHaveProperty(
        'post.requestBody.content.application/json.schema.$ref',
        '#/components/schemas/PredictRequest',
      );
      // Each component is a schema ajv compiles in strict mode.
      for (const schema of Object.values(doc.components.schemas)) ajv.compile(schema);
    });

    it('/v1/dashboard answers the monitoring document in the documented shape, or 404 without one', async () => {
      const store = new LocalObjectStore(model.home);
      const { handler } = handlerFor({
        dashboard: () =>
          buildDashboard({ store, registry: new Registry(store), audit: new LocalAuditTrail(model.home) }),
      });
      await call(handler, '/v1/predict', { body: { descriptions: ['cotton t-shirt'] } });
      const response = await call(handler, '/v1/dashboard');
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      conforms(dashboardResponseSchema, json(response));

      expectError(await call(handlerFor().handler, '/v1/dashboard'), 404, 'not_found');
      expectError(await call(handler, '/v1/dashboard', { body: {} }), 405, 'method_not_allowed');
      const failing = handlerFor({ dashboard: () => Promise.reject(new Error('store unreachable')) });
      expectError(await call(failing.handler, '/v1/dashboard'), 500, 'internal_error');
      expect(failing.logs.join('\n')).toMatch(/\/v1\/dashboard failed: store unreachable$/);
    });

    it('/metrics is Prometheus text that counts requests by route and status', async () => {
      const { handler } = handlerFor();
      await call(handler, '/healthz');
      await call(handler, '/healthz');
      await call(handler, '/v1/predict', { body: { descriptions: [] } });
      await call(handler, '/nowhere');
      const response = await call(handler, '/metrics');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const samples = parseMetrics(text(response));
      expect(samples.get('hscode_http_requests_total{route="/healthz",method="GET",status="200"}')).toBe(2);
      expect(samples.get('hscode_http_requests_total{route="/v1/predict",method="POST",status="400"}')).toBe(
        1,
      );
      expect(samples.get('hscode_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);
      expect(samples.get('hscode_http_request_duration_seconds_count{route="/healthz",method="GET"}')).toBe(
        2,
      );
      expect(samples.get('hscode_model_load_failures_total') ?? 0).toBe(0);
    });

    it('keeps metrics on a private registry', async () => {
      const register = (await import('prom-client')).register;
      const { handler } = handlerFor();
      await call(handler, '/healthz');
      expect(await register.metrics()).not.toContain('hscode_http_requests_total');
    });
  });

  describe('the page', () => {
    it.each([
      ['/', 'text/html; charset=utf-8', 'index.html'],
      ['/index.html', 'text/html; charset=utf-8', 'index.html'],
      ['/app.js', 'text/javascript; charset=utf-8', 'app.js'],
      ['/app.css?v=2', 'text/css; charset=utf-8', 'app.css'],
    ])('GET %s serves the file with its content type', async (path, contentType, file) => {
      const { handler } = handlerFor();
      const response = await call(handler, path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(contentType);
      expect(Buffer.from(response.body).toString('utf8')).toBe(readFileSync(join(webRoot, file), 'utf8'));
    });

    it.each([
      '/../outside.js',
      '/%2e%2e/outside.js',
      '/..%2foutside.js',
      '/%2E%2E%5Coutside.js',
      '/sub/inner.js',
      '/sub%2finner.js',
      '/.env.js',
      '/%2eenv.js',
      '/notes.exe',
      '/missing.js',
      '/%E0%A4%A',
      '/app.js%00.html',
      '//etc/passwd',
    ])('GET %s is 404', async (path) => {
      const { handler } = handlerFor();
      expectError(await call(handler, path), 404, 'not_found');
    });

    it('finds runtime/web from the sources and from the compiled build', () => {
      const web = join(__dirname, '..', 'web');
      expect(defaultWebRoot()).toBe(web);
      expect(defaultWebRoot(join(__dirname, '..', '..', 'dist', 'runtime', 'http'))).toBe(web);
    });
  });

  describe('routing', () => {
    it.each([
      ['GET', '/v1/predict', 'POST'],
      ['PUT', '/v1/feedback', 'POST'],
      ['POST', '/healthz', 'GET, HEAD'],
      ['DELETE', '/v1/models', 'GET, HEAD'],
      ['POST', '/metrics', 'GET, HEAD'],
      ['OPTIONS', '/openapi.json', 'GET, HEAD'],
      ['POST', '/app.js', 'GET, HEAD'],
    ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
      const { handler } = handlerFor();
      const response = await call(handler, path, { method, headers: JSON_HEADERS, raw: '{}' });
      expectError(response, 405, 'method_not_allowed');
      expect(response.headers.allow).toBe(allow);
    });

    it.each(['/v2/predict', '/v1/predict/', '/V1/PREDICT', '/v1', '', '*', 'http://example.com/healthz'])(
      '%s is 404',
      async (path) => {
        const { handler } = handlerFor();
        expectError(await call(handler, path, { method: 'POST', raw: '{}' }), 404, 'not_found');
      },
    );
  });
});
