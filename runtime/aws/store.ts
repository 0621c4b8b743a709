import type { ObjectStore } from '../store/object-store';
import { openStoreAt } from '../functions/store-location';

/** The Lambda functions' store: an S3 bucket (`s3://bucket[/prefix]`) or a local folder. */
export function openS3StoreAt(location: string): ObjectStore {
  return openStoreAt(location, {
    example: 's3://bucket',
    accepts: (l) => l.startsWith('s3://'),
    open: () => {
      throw new Error('the S3 adapter is not wired yet');
    },
  });
}
