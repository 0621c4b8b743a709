import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FUNCTION_ENV } from '../../models/deployment';
import { openBlobStoreAt } from '../../runtime/azure/store';
import { AZURITE_ACCOUNT, startAzurite } from '../standins/azurite';
import { describeBundleSmoke, withEnv } from './bundle-smoke';
import { runIsolated } from './unpacked-bundle';

const RUNNER = join(__dirname, 'runners', 'azure-runner.cjs');
const FUNCTIONS_PACKAGE = dirname(require.resolve('@azure/functions/package.json'));

// Azurite, reached by the bundle's own Blob adapter with the development account's connection string.
const azureStandin = async () => {
  const standin = await startAzurite();
  await BlobServiceClient.fromConnectionString(standin.connectionString)
    .getContainerClient('hscode')
    .create();
  const env = {
    [FUNCTION_ENV.store]: `https://${AZURITE_ACCOUNT}.blob.core.windows.net/hscode`,
    AZURE_STORAGE_CONNECTION_STRING: standin.connectionString,
    // App Service Authentication is on for the app: the platform sets this beside the principal.
    WEBSITE_AUTH_ENABLED: 'True',
  };
  const store = withEnv(env, () => openBlobStoreAt(env[FUNCTION_ENV.store]));
  return { store, env, close: () => standin.close() };
};

/** A BlobCreated event from the storage account's Event Grid system topic. */
const blobCreated = (key: string) => ({
  id: '1',
  topic: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/hscode',
  subject: `/blobServices/default/containers/hscode/blobs/${key}`,
  eventType: 'Microsoft.Storage.BlobCreated',
  eventTime: '2026-12-01T10:00:00.000Z',
  data: { api: 'PutBlob', url: `https://hscode.blob.core.windows.net/hscode/${key}` },
  dataVersion: '',
});

describeBundleSmoke('azure', azureStandin, async ({ bundles, env }) => {
  const invoke = async (dir: string, invocation: unknown): Promise<unknown> => {
    const file = join(mkdtempSync(join(tmpdir(), 'hscode-invocations-')), 'invocations.json');
    writeFileSync(file, JSON.stringify([invocation]));
    const [result] = await runIsolated<unknown[]>(
      RUNNER,
      [join(dir, 'index.js'), FUNCTIONS_PACKAGE, file],
      dir,
      env,
    );
    return result;
  };
  return {
    http: async ({ method, path, body, headers, caller }) =>
      (await invoke(bundles.predict.dir, {
        fn: 'api',
        request: {
          method,
          url: `https://hscode-app.azurewebsites.net${path}`,
          // App Service Authentication names the principal it verified (and drops a client's copy).
          headers: {
            'content-type': 'application/json',
            ...headers,
            ...(caller ? { 'x-ms-client-principal-name': caller } : {}),
          },
          body,
        },
      })) as { status: number; body: string },
    batch: async (key) => void (await invoke(bundles.predict.dir, { fn: 'batch', event: blobCreated(key) })),
    retrain: async (key) =>
      void (await invoke(bundles.retrain.dir, { fn: 'retrain', event: blobCreated(key) })),
  };
});
