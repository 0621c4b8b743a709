import type { Readable } from 'node:stream';

/**
 * The one storage port the runtime needs: a flat key space of immutable-per-version objects with
 * compare-and-swap writes. S3 (If-Match / If-None-Match), GCS (generation preconditions), Azure
 * Blob (ETag) and a local folder all implement exactly this, so the core never knows which cloud
 * it runs in.
 */

export interface StoredObject {
  body: Uint8Array;
  /** Opaque; changes whenever the content changes. Pass it back as `ifVersion` to update safely. */
  version: string;
}

export interface PutOptions {
  /**
   * Write only if the object's current version is this one; `null` = only if the object does
   * not exist yet. Omitted = unconditional. A mismatch throws PreconditionFailedError.
   */
  ifVersion?: string | null;
}

export interface ObjectStore {
  get(key: string): Promise<StoredObject | undefined>;
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<{ version: string }>;
  /** Every key that starts with `prefix` (plain string prefix, as in S3), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * The object's bytes as a stream, for objects too large to hold (batch inputs); undefined when
   * the key does not exist. A stream opened before an overwrite delivers the old object whole, or
   * fails; never a mix of the two.
   */
  readStream(key: string): Promise<Readable | undefined>;
  /**
   * Writes the object from a stream without holding it in memory: unconditional, and atomic, so
   * readers see the old object or the whole new one, never a part. A source that fails leaves the
   * old object (or none) and rejects with the source's error. The version is the one `get` reports.
   */
  writeStream(key: string, source: AsyncIterable<Uint8Array> | Readable): Promise<{ version: string }>;
}

/** A conditional write lost: someone else changed (or created) the object first. */
export class PreconditionFailedError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string | null,
    readonly actual: string | null,
  ) {
    super(
      expected === null
        ? `${key} already exists (version ${actual?.slice(0, 12) ?? '?'}…): the write required that it did not`
        : `${key} is at version ${actual === null ? '(deleted)' : `${actual.slice(0, 12)}…`}, the write expected ${expected.slice(0, 12)}…: read it again and retry`,
    );
    this.name = 'PreconditionFailedError';
  }
}

export class InvalidKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}
