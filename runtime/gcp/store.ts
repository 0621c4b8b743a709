import type { ObjectStore } from '../store/object-store';
import { openStoreAt } from '../functions/store-location';
import { endpointOf, STORE_ENDPOINT_ENV } from '../store/store-endpoint';
import { openGcsStore } from './gcs-store';

/** The Cloud Functions' store: a Cloud Storage bucket (`gs://bucket[/prefix]`) or a local folder. */
export function openGcsStoreAt(location: string): ObjectStore {
  const endpoint = endpointOf(process.env[STORE_ENDPOINT_ENV]);
  return openStoreAt(location, 'gcs', (url) => openGcsStore(url, endpoint ? { endpoint } : {}));
}
