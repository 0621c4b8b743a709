import { LocalObjectStore } from '../store/local-store';
import type { ObjectStore } from '../store/object-store';
import { parseStoreUrl, type StoreLocation } from '../store/store-url';
import { FunctionEnvError } from './function-env';

/**
 * The store a function works on: its own cloud's (opened by the adapter the entry module imports,
 * so a bundle carries one cloud's SDK only), or a local folder (the embedded default, and the
 * bundle tests). Another cloud's location is a deployment mistake, named as such.
 */
export function openStoreAt(
  location: string,
  kind: Exclude<StoreLocation['kind'], 'local'>,
  open: (location: string) => ObjectStore,
): ObjectStore {
  const parsed = parseStoreUrl(location);
  if (parsed.kind === 'local') return new LocalObjectStore(parsed.root);
  if (parsed.kind !== kind) {
    throw new FunctionEnvError(
      `this function's store must be a ${kind} location or a local folder, not ${location}`,
    );
  }
  return open(location);
}
