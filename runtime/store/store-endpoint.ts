import { OPTIONAL_FUNCTION_ENV } from '../../models/deployment';

/** A stand-in's URL for `s3://` and `gs://` stores (s3rver behind its front, the JSON API stand-in). */
export const STORE_ENDPOINT_ENV = OPTIONAL_FUNCTION_ENV.storeEndpoint;
/** Azure's own variable: a connection string (azurite's, or an account key's) instead of Entra ID. */
export const AZURE_CONNECTION_STRING_ENV = 'AZURE_STORAGE_CONNECTION_STRING';

/** The endpoint override, checked: an http(s) origin and path, or undefined when unset. */
export function endpointOf(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `${STORE_ENDPOINT_ENV}=${JSON.stringify(value)} is not a URL: give e.g. http://127.0.0.1:4568`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${STORE_ENDPOINT_ENV}=${JSON.stringify(value)} must be an http or https URL`);
  }
  return url.origin + url.pathname.replace(/\/$/, '');
}
