import { HttpRequest as AzureRequest, HttpResponse as AzureResponse } from '@azure/functions';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { FUNCTION_ENV } from '../models/deployment';
import { addApiKey } from '../runtime/core/api-keys';
import { releaseSharedSessions } from '../runtime/core/session-cache';
import { startEmbeddedServer, type EmbeddedServer } from '../runtime/local/embedded-server';
import type { LocalObjectStore } from '../runtime/store/local-store';
import { identityToken } from './helpers/identity-token';
import { fixtureModelSet } from './helpers/model-fixture';

/**
 * One table of requests against the four hosts of the same core: `hscode serve`, the Lambda
 * handler (HTTP API payload 2.0 events), the Cloud Functions framework's real Express server, and
 * the Azure Functions v4 handler. Status, headers and bodies must match the embedded server's;
 * only what is different by nature (prediction ids, times, latencies) is masked.
 */

interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: string;
}
/** `caller`: send the request as someone the host can identify, the way that host's platform does. */
type Call = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  caller?: string,
) => Promise<Exchange>;

// Hop-by-hop and per-response headers the hosts set themselves, not the API.
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const apiHeaders = (headers: Iterable<[string, string]>) =>
  Object.fromEntries(
    [...headers].filter(([name]) => !TRANSPORT.has(name.toLowerCase())).map(([n, v]) => [n.toLowerCase(), v]),
  );

const masked = (body: string) =>
  body
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/"latencyMs":[0-9.e-]+/g, '"latencyMs":0')
    .replace(/"receivedAt":"[^"]+"/g, '"receivedAt":"<time>"')
    .replace(/feedback\/\d{4}-\d{2}-\d{2}\//g, 'feedback/<day>/')
    .replace(/"givenBy":"[^"]+"/g, '"givenBy":"<caller>"');

let store: LocalObjectStore;
let embedded: EmbeddedServer;
let gcpServer: Server;
const hosts: Record<string, Call> = {};
/** How each host names the caller `ana`: an analyst key's id locally, the platform's identity on the clouds. */
const givenBy: Record<string, string> = {
  lambda: 'arn:aws:sts::123456789012:assumed-role/analysts/ana',
  gcp: 'ana@example.com',
  azure: 'ana@example.com',
};

beforeAll(async () => {
  store = await (await fixtureModelSet(1)).storeWithChampion();
  process.env[FUNCTION_ENV.store] = store.root;
  embedded = await startEmbeddedServer({
    home: store.root,
    port: 0,
    host: '127.0.0.1',
    jobsEveryMs: 0,
    log: () => undefined,
  });

  const analyst = await addApiKey(store.root, 'ana');
  givenBy.local = `key:${analyst.id}`;

  const viaFetch =
    (base: string, credential: (caller: string) => Record<string, string>): Call =>
    async (method, path, headers, body, caller) => {
      const sent = { ...headers, ...(caller ? credential(caller) : {}) };
      const response = await fetch(`${base}${path}`, { method, headers: sent, ...(body ? { body } : {}) });
      return {
        status: response.status,
        headers: apiHeaders(response.headers.entries()),
        body: await response.text(),
      };
    };
  hosts.local = viaFetch(embedded.url, () => ({ authorization: `Bearer ${analyst.key}` }));

  const lambda = await import('../runtime/aws/handlers');
  hosts.lambda = async (method, path, headers, body, caller) => {
    const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString,
      headers,
      // What IAM authorization adds once it has checked the request's signature.
      requestContext: {
        http: { method, path: rawPath },
        ...(caller ? { authorizer: { iam: { userArn: givenBy.lambda } } } : {}),
      },
      body,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const result = await lambda.api(event);
    const text = result.isBase64Encoded
      ? Buffer.from(result.body ?? '', 'base64').toString('utf8')
      : (result.body ?? '');
    return {
      status: result.statusCode ?? 0,
      headers: apiHeaders(Object.entries(result.headers ?? {}).map(([n, v]) => [n, String(v)])),
      body: text,
    };
  };

  // What the platform's functions framework does with an exported function: wrap it in its server.
  const gcp = await import('../runtime/gcp/functions');
  const framework = await import('@google-cloud/functions-framework');
  framework.http('api', gcp.api);
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  // As the platform runs it: Express reads NODE_ENV once, when the framework builds its app.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  gcpServer = getTestServer('api');
  process.env.NODE_ENV = nodeEnv;
  await new Promise<void>((resolve) => gcpServer.listen(0, '127.0.0.1', resolve));
  hosts.gcp = viaFetch(`http://127.0.0.1:${(gcpServer.address() as AddressInfo).port}`, () => ({
    authorization: identityToken({ email: givenBy.gcp }),
  }));

  // App Service Authentication is on for the app (the platform sets this beside the header).
  process.env.WEBSITE_AUTH_ENABLED = 'True';
  const azure = await import('../runtime/azure/functions');
  hosts.azure = async (method, path, headers, body, caller) => {
    const request = new AzureRequest({
      method,
      url: `https://app.example${path}`,
      // App Service Authentication names the principal it verified.
      headers: caller ? { ...headers, 'x-ms-client-principal-name': givenBy.azure as string } : headers,
      ...(body ? { body: { string: body } } : {}),
    });
    const response = new AzureResponse(await azure.api(request));
    return {
      status: response.status,
      headers: apiHeaders(response.headers.entries()),
      body: await response.text(),
    };
  };
}, 120_000);

afterAll(async () => {
  await embedded?.close();
  await new Promise((resolve) => gcpServer?.close(resolve));
  await releaseSharedSessions();
});

const json = { 'content-type': 'application/json' };
const UNKNOWN_ID = '3f2b8c1e-0d4a-4b5e-9c7d-1a2b3c4d5e6f';
/** What, how, where, headers, body, and whether it is sent as the analyst `ana`. */
const TABLE: Array<[string, string, string, Record<string, string>, string, boolean?]> = [
  [
    'a prediction',
    'POST',
    '/v1/predict',
    json,
    JSON.stringify({ descriptions: ['frozen shrimp', 'cotton t-shirt'], topK: 3 }),
  ],
  [
    'an explained prediction',
    'POST',
    '/v1/predict',
    json,
    JSON.stringify({ descriptions: ["Men's 100% T-Shirts"], explain: true, key: 'k' }),
  ],
  ['a request without descriptions', 'POST', '/v1/predict', json, '{}'],
  ['malformed JSON', 'POST', '/v1/predict', json, '{"descriptions": ["shrimp"'],
  ['a body that is not JSON', 'POST', '/v1/predict', { 'content-type': 'text/plain' }, 'frozen shrimp'],
  ['a topK out of range', 'POST', '/v1/predict', json, JSON.stringify({ descriptions: ['x'], topK: 99 })],
  [
    'too many descriptions',
    'POST',
    '/v1/predict',
    json,
    JSON.stringify({ descriptions: Array(257).fill('x') }),
  ],
  [
    'a body over the size limit',
    'POST',
    '/v1/predict',
    json,
    JSON.stringify({ descriptions: ['x'.repeat(1_100_000)] }),
  ],
  [
    'a request over the cost budget',
    'POST',
    '/v1/predict',
    json,
    JSON.stringify({
      descriptions: Array(4).fill(Array.from({ length: 150 }, (_, i) => `w${i}`).join(' ')),
      explain: true,
    }),
  ],
  ['the wrong method', 'GET', '/v1/predict', {}, ''],
  ['an unknown path', 'GET', '/v2/nothing?x=1', {}, ''],
  [
    'feedback with a code that is not HS',
    'POST',
    '/v1/feedback',
    json,
    JSON.stringify({ predictionId: UNKNOWN_ID, hs6: '12' }),
    true,
  ],
  ['the models', 'GET', '/v1/models', {}, ''],
  ['the health check', 'GET', '/healthz', {}, ''],
  ['the OpenAPI document', 'GET', '/openapi.json', {}, ''],
  ['the page', 'GET', '/', {}, ''],
  ['a HEAD of the page script', 'HEAD', '/app.js', {}, ''],
];

// The functions framework parses JSON bodies before any function runs and answers a malformed one
// itself: the same status, its own page (without a stack trace in production). See runtime/README.md.
const FRAMEWORK_ANSWERS = new Set(['gcp:malformed JSON']);

describe.each(['lambda', 'gcp', 'azure'])('the %s host', (name) => {
  it.each(TABLE.filter(([what]) => !FRAMEWORK_ANSWERS.has(`${name}:${what}`)))(
    'answers %s exactly as hscode serve does',
    // A rest parameter: jest takes a test function with more parameters than a row has values as one that wants `done`.
    async (...[, method, path, headers, body, asAnalyst]) => {
      const caller = asAnalyst ? 'ana' : undefined;
      const expected = await (hosts.local as Call)(method, path, headers, body, caller);
      const actual = await (hosts[name] as Call)(method, path, headers, body, caller);
      expect({ ...actual, body: masked(actual.body) }).toEqual({ ...expected, body: masked(expected.body) });
    },
  );

  const feedback = (predictionId: string, caller?: string) =>
    (hosts[name] as Call)(
      'POST',
      '/v1/feedback',
      json,
      JSON.stringify({ predictionId, hs6: '0306.17' }),
      caller,
    );

  it('refuses feedback from nobody with 401, as hscode serve does, whatever caller header the client sends', async () => {
    const spoofed = { ...json, 'x-hscode-caller': 'someone-else' };
    const body = JSON.stringify({ predictionId: UNKNOWN_ID, hs6: '0306.17' });
    const expected = await (hosts.local as Call)('POST', '/v1/feedback', spoofed, body);
    const actual = await (hosts[name] as Call)('POST', '/v1/feedback', spoofed, body);
    expect(expected.status).toBe(401);
    // The message says what this host needs (an analyst's key, or the platform's identity).
    expect({ ...actual, body: JSON.parse(actual.body).error.code }).toEqual({
      ...expected,
      body: JSON.parse(expected.body).error.code,
    });
  });

  it('records feedback under the caller its platform verified', async () => {
    const predicted = await (hosts[name] as Call)(
      'POST',
      '/v1/predict',
      json,
      JSON.stringify({ descriptions: ['frozen shrimp'] }),
    );
    const { predictionId } = JSON.parse(predicted.body).predictions[0];
    const answer = await feedback(predictionId, 'ana');
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({
      predictionId,
      predictionFound: true,
      givenBy: givenBy[name],
    });
  });

  it('parks feedback for a prediction id it does not know (another instance may have answered), where hscode serve refuses it', async () => {
    const local = await (hosts.local as Call)(
      'POST',
      '/v1/feedback',
      json,
      JSON.stringify({ predictionId: UNKNOWN_ID, hs6: '0306.17' }),
      'ana',
    );
    expect(local.status).toBe(404);
    const answer = await feedback(UNKNOWN_ID, 'ana');
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ predictionId: UNKNOWN_ID, predictionFound: false });
  });
});

it('leaves a malformed JSON body on Cloud Functions to the framework: a 400, no stack trace', async () => {
  const malformed = TABLE.find(([what]) => what === 'malformed JSON') as (typeof TABLE)[number];
  const answer = await (hosts.gcp as Call)(malformed[1], malformed[2], malformed[3], malformed[4]);
  expect(answer.status).toBe(400);
  expect(answer.body).not.toMatch(/SyntaxError|node_modules|\bat\b/);
});
