import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '../store/atomic-write';
import { isErrno } from '../store/errno';

/** One analyst's key as stored: its public id, who holds it, and only the sha256 of its secret. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  sha256: string;
  createdAt: string;
  revokedAt?: string;
}

interface KeysFile {
  schemaVersion: 1;
  keys: ApiKeyRecord[];
}

/** Where the embedded server keeps analysts' keys: beside the store, never inside a bucket. */
export const apiKeysFile = (home: string) => join(home, 'keys', 'analysts.json');

/** `hsk_<8 hex id>_<43 base64url characters>`: the id says whose key it is without revealing it. */
const KEY_FORMAT = /^hsk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
const secretHash = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

function readKeys(path: string): KeysFile {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as KeysFile;
    if (parsed.schemaVersion !== 1 || !Array.isArray(parsed.keys))
      throw new Error(`${path} is not a keys file`);
    return parsed;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { schemaVersion: 1, keys: [] };
    throw err;
  }
}

async function writeKeys(path: string, keys: KeysFile): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomically(path, Buffer.from(`${JSON.stringify(keys, null, 2)}\n`));
  chmodSync(path, 0o600);
}

/** Makes a key for `name`: returns the key itself, which is shown once and never stored. */
export async function addApiKey(
  home: string,
  name: string,
  now = new Date(),
): Promise<{ id: string; key: string }> {
  const trimmed = name.trim();
  if (!/^[\p{L}\p{N} ._@-]{1,64}$/u.test(trimmed)) {
    throw new Error("a key name is 1 to 64 letters, digits, spaces or . _ @ - (e.g. the analyst's name)");
  }
  const path = apiKeysFile(home);
  const file = readKeys(path);
  let id: string;
  do id = randomBytes(4).toString('hex');
  while (file.keys.some((k) => k.id === id));
  const secret = randomBytes(32).toString('base64url');
  file.keys.push({ id, name: trimmed, sha256: secretHash(secret), createdAt: now.toISOString() });
  await writeKeys(path, file);
  return { id, key: `hsk_${id}_${secret}` };
}

export function listApiKeys(home: string): ApiKeyRecord[] {
  return readKeys(apiKeysFile(home)).keys;
}

/** Revokes by id or name; returns the keys revoked (a name may have several). */
export async function revokeApiKey(
  home: string,
  idOrName: string,
  now = new Date(),
): Promise<ApiKeyRecord[]> {
  const path = apiKeysFile(home);
  const file = readKeys(path);
  const revoked = file.keys.filter((k) => !k.revokedAt && (k.id === idOrName || k.name === idOrName));
  for (const key of revoked) key.revokedAt = now.toISOString();
  if (revoked.length) await writeKeys(path, file);
  return revoked;
}

export type KeyCheck = { ok: true; id: string; name: string } | { ok: false; reason: string };

/**
 * Checks presented keys against the keys file, re-read whenever it changes (a revocation applies
 * to the next request, without a restart). The secret's sha256 is compared in constant time, so
 * the time an answer takes says nothing about how much of a guess was right.
 */
export class ApiKeyVerifier {
  private cached: { mtimeMs: number; size: number; keys: Map<string, ApiKeyRecord> } | undefined;

  constructor(private readonly home: string) {}

  check(presented: string | undefined): KeyCheck {
    if (!presented) return { ok: false, reason: 'no API key was sent' };
    const match = KEY_FORMAT.exec(presented.trim());
    if (!match) return { ok: false, reason: 'that is not an API key of this server (hsk_<id>_<secret>)' };
    const [, id, secret] = match as unknown as [string, string, string];
    const record = this.keys().get(id);
    const expected = Buffer.from(record?.sha256 ?? '0'.repeat(64), 'hex');
    const equal = timingSafeEqual(expected, Buffer.from(secretHash(secret), 'hex'));
    if (!record || !equal) return { ok: false, reason: 'that API key is not known here' };
    if (record.revokedAt) return { ok: false, reason: `API key ${id} was revoked at ${record.revokedAt}` };
    return { ok: true, id, name: record.name };
  }

  private keys(): Map<string, ApiKeyRecord> {
    const path = apiKeysFile(this.home);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return new Map();
    }
    if (!this.cached || this.cached.mtimeMs !== stat.mtimeMs || this.cached.size !== stat.size) {
      this.cached = {
        mtimeMs: stat.mtimeMs,
        size: stat.size,
        keys: new Map(readKeys(path).keys.map((k) => [k.id, k])),
      };
    }
    return this.cached.keys;
  }
}
