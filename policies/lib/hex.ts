/** A full sha256 in lower-case hex, as the manifests and the functions' pins hold it. */
export const isSha256 = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/**
 * The `model-sha256` tag: a full sha256, or a prefix of at least 32 hex characters (GCP label
 * values hold at most 63 characters, so GCP carries the first 32).
 */
export const isShaTag = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{32,64}$/.test(value);
