import { InvalidKeyError } from './object-store';

const MAX_KEY_LENGTH = 1024;

/**
 * Keys are relative, slash-separated paths. Every adapter applies the same rule, so a key that
 * works locally works in every cloud, and no key can reach outside the store's root: no absolute
 * keys, no backslashes, no empty segments, and no segment starting with a dot, which rules out
 * "." and ".." and leaves dot-names free for an adapter's own lock and temporary files.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'it is empty');
  if (key.length > MAX_KEY_LENGTH)
    throw new InvalidKeyError(key, `it is longer than ${MAX_KEY_LENGTH} characters`);
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'keys are relative; it starts with "/"');
  if (/[\\\0]/.test(key)) throw new InvalidKeyError(key, 'backslashes and NUL characters are not allowed');
  if (/^[A-Za-z]:/.test(key)) throw new InvalidKeyError(key, 'it looks like a drive path');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidKeyError(key, 'it has an empty segment ("//" or a trailing "/")');
    if (segment.startsWith('.')) {
      throw new InvalidKeyError(key, `segment "${segment}" starts with "." (reserved; also excludes "..")`);
    }
  }
}

/** A list prefix is a key, a key's leading part ending in "/", or "" for everything. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
