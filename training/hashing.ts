import { createHash } from 'node:crypto';
import type { LabelledRow } from './dataset';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The fingerprint of a training set: rows in a canonical order, so the same rows from files
 * in another order or format hash the same.
 */
export function datasetSha256(rows: readonly LabelledRow[]): string {
  const lines = rows.map((r) => JSON.stringify([r.text, r.hs6])).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}
