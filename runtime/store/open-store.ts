import { LocalObjectStore } from './local-store';
import type { ObjectStore } from './object-store';
import { AZURE_CONNECTION_STRING_ENV, endpointOf, STORE_ENDPOINT_ENV } from './store-endpoint';
import { parseStoreUrl } from './store-url';

export { AZURE_CONNECTION_STRING_ENV, STORE_ENDPOINT_ENV };

export interface OpenStoreOptions {
  /** Overrides `HSCODE_STORE_ENDPOINT`. */
  endpoint?: string;
  /** Overrides `AZURE_STORAGE_CONNECTION_STRING`. */
  azureConnectionString?: string;
  /** Where the two variables above are read; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The store a location names: `s3://bucket[/prefix]`, `gs://bucket[/prefix]`,
 * `https://<account>.blob.core.windows.net/<container>[/prefix]`, or a local folder. Each cloud's
 * adapter, and so its SDK, is loaded only when a location of that cloud is opened; a bundler
 * follows these imports, so a bundle for one cloud imports that cloud's adapter directly (or
 * marks the other SDKs external). Credentials come from each SDK's default chain, never from here.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<ObjectStore> {
  const location = parseStoreUrl(url);
  const env = options.env ?? process.env;
  const endpoint = endpointOf(options.endpoint ?? env[STORE_ENDPOINT_ENV]);
  switch (location.kind) {
    case 'local':
      if (endpoint)
        throw new Error(`${STORE_ENDPOINT_ENV} is set, but the store ${url} is a local folder: unset it`);
      return new LocalObjectStore(location.root);
    case 's3': {
      const { openS3Store } = await import('../aws/s3-store');
      return openS3Store(url, endpoint ? { endpoint } : {});
    }
    case 'gcs': {
      const { openGcsStore } = await import('../gcp/gcs-store');
      return openGcsStore(url, endpoint ? { endpoint } : {});
    }
    case 'azure': {
      if (endpoint) {
        throw new Error(
          `${STORE_ENDPOINT_ENV} does not apply to Azure: put the endpoint in ${AZURE_CONNECTION_STRING_ENV} (BlobEndpoint=…) instead`,
        );
      }
      const connectionString = options.azureConnectionString ?? env[AZURE_CONNECTION_STRING_ENV];
      const { openAzureBlobStore } = await import('../azure/blob-store');
      return openAzureBlobStore(url, connectionString ? { connectionString } : {});
    }
  }
}
