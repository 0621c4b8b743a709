import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeBundleSmoke } from './bundle-smoke';
import { runIsolated } from './unpacked-bundle';

const RUNNER = join(__dirname, 'runners', 'azure-runner.cjs');
const FUNCTIONS_PACKAGE = dirname(require.resolve('@azure/functions/package.json'));

describeBundleSmoke('azure', async ({ bundles, env }) => {
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
    http: async ({ method, path, body }) =>
      (await invoke(bundles.predict.dir, {
        fn: 'api',
        request: {
          method,
          url: `https://hscode-app.azurewebsites.net${path}`,
          headers: { 'content-type': 'application/json' },
          body,
        },
      })) as { status: number; body: string },
    retrain: async (key) => {
      // A BlobCreated event from the storage account's Event Grid system topic.
      await invoke(bundles.retrain.dir, {
        fn: 'retrain',
        event: {
          id: '1',
          topic: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/hscode',
          subject: `/blobServices/default/containers/hscode/blobs/${key}`,
          eventType: 'Microsoft.Storage.BlobCreated',
          eventTime: '2026-12-01T10:00:00.000Z',
          data: { api: 'PutBlob', url: `https://hscode.blob.core.windows.net/hscode/${key}` },
          dataVersion: '',
        },
      });
    },
  };
});
