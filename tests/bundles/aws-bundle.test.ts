import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_ENV, OPTIONAL_FUNCTION_ENV } from '../../models/deployment';
import { openS3StoreAt } from '../../runtime/aws/store';
import { S3RVER_CREDENTIALS, startS3Standin } from '../standins/s3-conditional-front/s3-standin';
import { describeBundleSmoke, type HttpExchange } from './bundle-smoke';
import { runIsolated } from './unpacked-bundle';

const RUNNER = join(__dirname, 'runners', 'lambda-runner.cjs');

/**
 * An API Gateway HTTP API (payload 2.0) event, as recorded from the service; with `caller`, the
 * IAM authorizer's verified signer as the service adds it.
 */
const httpApiEvent = ({ method, path, body, headers, caller }: HttpExchange) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: {
    'content-type': 'application/json',
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    ...headers,
  },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9' },
    ...(caller ? { authorizer: { iam: { userArn: caller } } } : {}),
  },
  ...(body === undefined ? {} : { body }),
  isBase64Encoded: false,
});

/** An S3 ObjectCreated notification: keys arrive URL-encoded. */
const s3Event = (key: string) => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: 'hscode-store' },
        object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 1 },
      },
    },
  ],
});

// s3rver behind the conditional-write front, reached by the bundle's own S3 adapter.
const s3Standin = async () => {
  const standin = await startS3Standin();
  const env = {
    [FUNCTION_ENV.store]: `s3://${standin.bucket}`,
    [OPTIONAL_FUNCTION_ENV.storeEndpoint]: standin.endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
  // The SDK reads its credentials when it first signs a request: this process keeps them.
  Object.assign(process.env, env);
  return { store: openS3StoreAt(env[FUNCTION_ENV.store]), env, close: () => standin.close() };
};

describeBundleSmoke('aws', s3Standin, async ({ bundles, env }) => {
  const invoke = async (dir: string, fn: string, event: unknown): Promise<unknown> => {
    const file = join(mkdtempSync(join(tmpdir(), 'hscode-invocations-')), 'invocations.json');
    writeFileSync(file, JSON.stringify([{ fn, event }]));
    const [result] = await runIsolated<unknown[]>(RUNNER, [join(dir, 'index.js'), file], dir, env);
    return result;
  };
  return {
    http: async (exchange) => {
      const result = (await invoke(bundles.predict.dir, 'api', httpApiEvent(exchange))) as {
        statusCode: number;
        body: string;
      };
      return { status: result.statusCode, body: result.body };
    },
    batch: async (key) => void (await invoke(bundles.predict.dir, 'batch', s3Event(key))),
    retrain: async (key) => void (await invoke(bundles.retrain.dir, 'retrain', s3Event(key))),
  };
});
