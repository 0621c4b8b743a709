import type { ObjectStore } from '../store/object-store';
import { openStoreAt } from '../functions/store-location';
import { endpointOf, STORE_ENDPOINT_ENV } from '../store/store-endpoint';
import { openS3Store } from './s3-store';

/** The Lambda functions' store: an S3 bucket (`s3://bucket[/prefix]`) or a local folder. */
export function openS3StoreAt(location: string): ObjectStore {
  const endpoint = endpointOf(process.env[STORE_ENDPOINT_ENV]);
  return openStoreAt(location, 's3', (url) => openS3Store(url, endpoint ? { endpoint } : {}));
}
