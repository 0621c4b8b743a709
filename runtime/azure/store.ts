import type { ObjectStore } from '../store/object-store';
import { openStoreAt } from '../functions/store-location';
import { AZURE_CONNECTION_STRING_ENV } from '../store/store-endpoint';
import { openAzureBlobStore } from './blob-store';

/**
 * The function app's store: a Blob container (`https://<account>.blob.core.windows.net/<container>`),
 * reached with the app's managed identity (or a connection string, for azurite), or a local folder.
 */
export function openBlobStoreAt(location: string): ObjectStore {
  const connectionString = process.env[AZURE_CONNECTION_STRING_ENV];
  return openStoreAt(location, 'azure', (url) =>
    openAzureBlobStore(url, connectionString ? { connectionString } : {}),
  );
}
