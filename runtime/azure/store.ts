import type { ObjectStore } from '../store/object-store';
import { openStoreAt } from '../functions/store-location';

/** The function app's store: a Blob container URL (`https://<account>.blob.core.windows.net/<container>`) or a local folder. */
export function openBlobStoreAt(location: string): ObjectStore {
  return openStoreAt(location, {
    example: 'https://<account>.blob.core.windows.net/<container>',
    accepts: (l) => /^https:\/\/[^/]+\/[^/]/.test(l),
    open: () => {
      throw new Error('the Azure Blob adapter is not wired yet');
    },
  });
}
