import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from './child-server';

/** Azurite's built-in development account; its key is published in Azurite's README, not a secret. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteStandin {
  /** e.g. http://127.0.0.1:40123/devstoreaccount1 */
  blobEndpoint: string;
  connectionString: string;
  close(): Promise<void>;
}

/**
 * Azurite's Blob service in its own process on a free loopback port, in memory, with telemetry
 * off (it would otherwise send usage data out) and the API-version check off (the current SDK is
 * newer than the versions Azurite lists).
 */
export async function startAzurite(): Promise<AzuriteStandin> {
  // Azurite keeps its debug and workspace files in the working folder: a temporary one.
  const workspace = mkdtempSync(join(tmpdir(), 'hscode-azurite-'));
  const server = await startChildServer({
    script: require.resolve('azurite/dist/src/blob/main.js'),
    args: [
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '512',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--silent',
    ],
    ready: /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/,
    cwd: workspace,
  }).catch((err: unknown) => {
    rmSync(workspace, { recursive: true, force: true });
    throw err;
  });
  const blobEndpoint = `http://127.0.0.1:${server.port}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
    async close() {
      await server.close();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
