import { createHash } from 'node:crypto';
import { BATCH_OUTPUT_PREFIX, TRIGGER_PREFIXES } from '../../models/deployment';

/**
 * The outputs of the input `batch/in/<name>`: `batch/out/<name>.csv` (the extension replaced),
 * `.rejects.csv` and `.summary.json` beside it. Undefined for a key outside `batch/in/`.
 */
export function batchOutputKeys(
  inputKey: string,
): { predictions: string; rejects: string; summary: string } | undefined {
  if (!inputKey.startsWith(TRIGGER_PREFIXES.batch)) return undefined;
  const name = inputKey.slice(TRIGGER_PREFIXES.batch.length);
  if (name === '') return undefined;
  const base = `${BATCH_OUTPUT_PREFIX}${name.replace(/\.[^./]+$/, '')}`;
  return { predictions: `${base}.csv`, rejects: `${base}.rejects.csv`, summary: `${base}.summary.json` };
}

/** One claim per input key and content: the same file dropped again unchanged is predicted once. */
export const batchClaimKey = (inputKey: string, contentSha256: string): string =>
  `jobs/batch/${createHash('sha256').update(`${inputKey}\n${contentSha256}`).digest('hex')}.json`;
