import type { Readable } from 'node:stream';
import type { ObjectStore, PutOptions, StoredObject } from '../../runtime/store/object-store';

/**
 * A store that dies before its `crashAt`-th write (counting from 1): the write does not happen
 * and the caller gets the error, as when a job's process is killed between two writes. Without
 * `crashAt` it only counts, so a clean run tells how many steps there are to crash at.
 */
export class CrashingStore implements ObjectStore {
  writes = 0;

  /** Only writes to keys under `prefix` count (default: every write). */
  constructor(
    private readonly inner: ObjectStore,
    private readonly crashAt?: number,
    private readonly prefix = '',
  ) {}

  get(key: string): Promise<StoredObject | undefined> {
    return this.inner.get(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  readStream(key: string): Promise<Readable | undefined> {
    return this.inner.readStream(key);
  }

  async writeStream(key: string, source: AsyncIterable<Uint8Array> | Readable): Promise<{ version: string }> {
    if (!key.startsWith(this.prefix)) return this.inner.writeStream(key, source);
    this.writes++;
    if (this.writes === this.crashAt) throw new Error(`injected crash before write ${this.writes} (${key})`);
    return this.inner.writeStream(key, source);
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<{ version: string }> {
    if (!key.startsWith(this.prefix)) return this.inner.put(key, body, options);
    this.writes++;
    if (this.writes === this.crashAt) throw new Error(`injected crash before write ${this.writes} (${key})`);
    return this.inner.put(key, body, options);
  }

  async delete(key: string): Promise<void> {
    if (!key.startsWith(this.prefix)) return this.inner.delete(key);
    this.writes++;
    if (this.writes === this.crashAt)
      throw new Error(`injected crash before write ${this.writes} (delete ${key})`);
    return this.inner.delete(key);
  }
}
