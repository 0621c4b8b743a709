import type { ObjectStore } from '../store/object-store';
import { openStoreAt } from '../functions/store-location';

/** The Cloud Functions' store: a Cloud Storage bucket (`gs://bucket[/prefix]`) or a local folder. */
export function openGcsStoreAt(location: string): ObjectStore {
  return openStoreAt(location, {
    example: 'gs://bucket',
    accepts: (l) => l.startsWith('gs://'),
    open: () => {
      throw new Error('the Cloud Storage adapter is not wired yet');
    },
  });
}
