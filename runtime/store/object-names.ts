import { InvalidKeyError } from './object-store';
import { assertValidKey, assertValidPrefix } from './store-key';

/** S3 and Cloud Storage cap an object name at 1,024 bytes of UTF-8; Azure at 1,024 characters. */
const MAX_NAME_BYTES = 1024;

/**
 * Maps the store's keys to object names in a bucket or container, under an optional prefix, so
 * that several stores (a deployment, a test run) can share one bucket without seeing each
 * other's objects. Every name is checked before it reaches a client: a key that is refused
 * locally is refused in every cloud, and without a network call.
 */
export class ObjectNames {
  /** "" or a valid key followed by "/". */
  readonly root: string;

  constructor(prefix = '') {
    const trimmed = prefix.replace(/\/+$/, '');
    if (trimmed !== '') assertValidKey(trimmed);
    this.root = trimmed === '' ? '' : `${trimmed}/`;
  }

  /** The object name of a key; throws InvalidKeyError for a key the local store would refuse too. */
  nameOf(key: string): string {
    assertValidKey(key);
    const name = this.root + key;
    const bytes = Buffer.byteLength(name, 'utf8');
    if (bytes > MAX_NAME_BYTES) {
      throw new InvalidKeyError(
        key,
        `with the store's prefix "${this.root}" its name is ${bytes} bytes of UTF-8; object stores allow ${MAX_NAME_BYTES}`,
      );
    }
    return name;
  }

  /** The name prefix to list for a key prefix ("" lists the whole store). */
  listPrefixOf(prefix: string): string {
    assertValidPrefix(prefix);
    return this.root + prefix;
  }

  /**
   * The key of a listed name, or undefined for a name no key maps to (written by something else
   * under the same prefix, e.g. "a//b"): `list` returns only what `get` can read back.
   */
  keyOf(name: string): string | undefined {
    if (!name.startsWith(this.root)) return undefined;
    const key = name.slice(this.root.length);
    try {
      assertValidKey(key);
      return key;
    } catch {
      return undefined;
    }
  }

  /** The keys of listed names, sorted as the local store sorts them, whatever order the service used. */
  keysOf(names: Iterable<string>): string[] {
    const keys: string[] = [];
    for (const name of names) {
      const key = this.keyOf(name);
      if (key !== undefined) keys.push(key);
    }
    return keys.sort();
  }
}
