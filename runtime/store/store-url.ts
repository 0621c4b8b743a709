import { fileURLToPath } from 'node:url';
import { ObjectNames } from './object-names';

/** Where a store lives, as a store URL names it. Parsing loads no cloud SDK. */
export type StoreLocation =
  | { kind: 'local'; root: string }
  | { kind: 's3'; bucket: string; prefix: string }
  | { kind: 'gcs'; bucket: string; prefix: string }
  | { kind: 'azure'; accountUrl: string; account: string; container: string; prefix: string };

const FORMS =
  's3://<bucket>[/<prefix>], gs://<bucket>[/<prefix>], https://<account>.blob.core.windows.net/<container>[/<prefix>] or a local folder';

export class StoreUrlError extends Error {
  constructor(url: string, problem: string) {
    super(`store location ${JSON.stringify(url)}: ${problem}. Expected ${FORMS}.`);
    this.name = 'StoreUrlError';
  }
}

const S3_BUCKET = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const AZURE_CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const AZURE_BLOB_HOST = /^([a-z0-9]{3,24})\.blob\.core\.[a-z0-9.-]+$/;

/**
 * Parses `HSCODE_STORE`-style locations. Anything without a `scheme://` is a local folder;
 * `file://` URLs are too. Query strings, fragments and user names are refused: credentials never
 * belong in a store URL, they come from each cloud's default chain.
 */
export function parseStoreUrl(url: string): StoreLocation {
  const text = url.trim();
  if (text === '') throw new StoreUrlError(url, 'it is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', root: text };
  if (/[?#]/.test(text))
    throw new StoreUrlError(url, 'query strings and fragments are not part of a store location');
  if (scheme === 'file') return { kind: 'local', root: fileURLToPath(text) };

  const match = /^[^:]+:\/\/([^/]*)(?:\/(.*))?$/.exec(text)!;
  const authority = match[1]!;
  if (authority.includes('@')) throw new StoreUrlError(url, 'credentials never belong in the URL');
  const prefix = prefixOf(url, match[2] ?? '');
  switch (scheme) {
    case 's3':
      if (!S3_BUCKET.test(authority)) {
        throw new StoreUrlError(
          url,
          `"${authority}" is not an S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)`,
        );
      }
      return { kind: 's3', bucket: authority, prefix };
    case 'gs':
      if (!GCS_BUCKET.test(authority)) {
        throw new StoreUrlError(
          url,
          `"${authority}" is not a Cloud Storage bucket name (lowercase letters, digits, dots, hyphens, underscores)`,
        );
      }
      return { kind: 'gcs', bucket: authority, prefix };
    case 'https': {
      const host = AZURE_BLOB_HOST.exec(authority.toLowerCase());
      if (!host)
        throw new StoreUrlError(
          url,
          `"${authority}" is not an Azure Blob Storage account host (<account>.blob.core.windows.net)`,
        );
      const [container = '', ...rest] = prefix.split('/');
      if (!AZURE_CONTAINER.test(container)) {
        throw new StoreUrlError(
          url,
          container === ''
            ? 'it names no container'
            : `"${container}" is not a container name (3–63 lowercase letters, digits, single hyphens)`,
        );
      }
      return {
        kind: 'azure',
        accountUrl: `https://${authority.toLowerCase()}`,
        account: host[1]!,
        container,
        prefix: rest.join('/'),
      };
    }
    case 'http':
      throw new StoreUrlError(
        url,
        'Azure Blob Storage is reached over https; for azurite, give the https account URL and its connection string in AZURE_STORAGE_CONNECTION_STRING',
      );
    default:
      throw new StoreUrlError(url, `"${scheme}://" is not a store scheme`);
  }
}

/** The URL's path as a key prefix: percent-decoded, and a valid key path (or empty). */
function prefixOf(url: string, path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/\/+$/, ''));
  } catch {
    throw new StoreUrlError(url, 'its path is not valid percent-encoding');
  }
  try {
    return new ObjectNames(decoded).root.replace(/\/$/, '');
  } catch (err) {
    throw new StoreUrlError(url, `its path is not a valid key prefix (${(err as Error).message})`);
  }
}
