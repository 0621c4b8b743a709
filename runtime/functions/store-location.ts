import { LocalObjectStore } from '../store/local-store';
import type { ObjectStore } from '../store/object-store';
import { FunctionEnvError } from './function-env';

/** How one cloud's entry module opens its own store (only its SDK is in its bundle). */
export interface CloudStoreOpener {
  /** e.g. "s3://bucket": what the error says this function accepts. */
  example: string;
  accepts(location: string): boolean;
  open(location: string): ObjectStore;
}

/**
 * The store a function works on: its cloud's, or a local folder (the embedded default, and the
 * bundle tests). Any other URL is a deployment mistake, named as such.
 */
export function openStoreAt(location: string, cloud: CloudStoreOpener): ObjectStore {
  if (cloud.accepts(location)) return cloud.open(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new FunctionEnvError(
      `this function's store must be ${cloud.example} or a local folder, not ${location}`,
    );
  }
  return new LocalObjectStore(location);
}
