import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { FUNCTION_ENV, OPTIONAL_FUNCTION_ENV } from '../../models/deployment';
import { openGcsStoreAt } from '../../runtime/gcp/store';
import { startGcsStandin } from '../standins/gcs-json-api/server';
import { identityToken } from '../helpers/identity-token';
import { describeBundleSmoke, withEnv } from './bundle-smoke';

// The real host: the functions framework's own server, loading the unzipped bundle as Cloud
// Functions does, started from the test harness's copy of the framework.
const FRAMEWORK = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

interface Served {
  url: string;
  child: ChildProcess;
}

async function serve(
  dir: string,
  target: string,
  signature: 'http' | 'cloudevent',
  env: Record<string, string>,
): Promise<Served> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [FRAMEWORK, `--target=${target}`, `--signature-type=${signature}`, `--source=${dir}`, `--port=${port}`],
    {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`the functions framework exited with ${child.exitCode}`);
    // A TCP connection only: a request would be an invocation of the function under test.
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(() => resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('the functions framework did not start listening');
}

// The Cloud Storage JSON API stand-in, reached by the bundle's own adapter through the real client.
const gcsStandin = async () => {
  const standin = await startGcsStandin({ buckets: ['hscode-test'] });
  const env = {
    [FUNCTION_ENV.store]: 'gs://hscode-test',
    [OPTIONAL_FUNCTION_ENV.storeEndpoint]: standin.apiEndpoint,
  };
  const store = withEnv(env, () => openGcsStoreAt(env[FUNCTION_ENV.store]));
  return { store, env, close: () => standin.close() };
};

// Cloud Functions' build installs the framework the bundle's package.json names: it must be the
// one these tests run the bundle under.
const frameworkVersion = () =>
  (
    JSON.parse(readFileSync(join(dirname(FRAMEWORK), '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

describeBundleSmoke('gcp', gcsStandin, async ({ bundles, env }) => {
  for (const bundle of [bundles.predict, bundles.retrain]) {
    const declared = JSON.parse(readFileSync(join(bundle.dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(declared.dependencies).toEqual({ '@google-cloud/functions-framework': frameworkVersion() });
  }
  const api = await serve(bundles.predict.dir, 'api', 'http', env);
  const retrain = await serve(bundles.retrain.dir, 'retrain', 'cloudevent', env);
  const batch = await serve(bundles.predict.dir, 'batch', 'cloudevent', env);
  // A storage "finalized" CloudEvent in binary mode, as Eventarc delivers it.
  const finalized = async (url: string, key: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-id': '1234567890',
        'ce-specversion': '1.0',
        'ce-type': 'google.cloud.storage.object.v1.finalized',
        'ce-source': '//storage.googleapis.com/projects/_/buckets/hscode-store',
        'ce-subject': `objects/${key}`,
        'ce-time': '2026-12-01T10:00:00.000Z',
      },
      body: JSON.stringify({ bucket: 'hscode-store', name: key, contentType: 'text/csv' }),
    });
    if (response.status >= 300) throw new Error(`the function answered ${response.status}`);
  };
  return {
    http: async ({ method, path, body, headers, caller }) => {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...headers,
          ...(caller ? { authorization: identityToken({ email: caller }) } : {}),
        },
        ...(body === undefined ? {} : { body }),
      });
      return { status: response.status, body: await response.text() };
    },
    batch: (key) => finalized(batch.url, key),
    retrain: (key) => finalized(retrain.url, key),
    close: async () => {
      for (const { child } of [api, retrain, batch]) child.kill();
    },
  };
});
