import type { Readable } from 'node:stream';
import { storeKeys } from '../../models/store-layout';
import type { ObjectStore, PutOptions, StoredObject } from '../../runtime/store/object-store';

/**
 * A real store whose first history append waits for `arrive()` to resolve, so that racing
 * writers are all known to have read the same state before any of them appends: a race that
 * is certain to happen instead of one that happens when the scheduler feels like it.
 */
export class RendezvousStore implements ObjectStore {
  private waited = false;

  constructor(
    private readonly inner: ObjectStore,
    private readonly arrive: () => Promise<void>,
  ) {}

  get(key: string): Promise<StoredObject | undefined> {
    return this.inner.get(key);
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<{ version: string }> {
    if (!this.waited && key.startsWith(storeKeys.registryHistoryPrefix)) {
      this.waited = true;
      await this.arrive();
    }
    return this.inner.put(key, body, options);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  readStream(key: string): Promise<Readable | undefined> {
    return this.inner.readStream(key);
  }

  writeStream(key: string, source: AsyncIterable<Uint8Array> | Readable): Promise<{ version: string }> {
    return this.inner.writeStream(key, source);
  }
}

/** Resolves every caller's promise once `parties` callers have arrived. */
export function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived === parties) release();
    return all;
  };
}
