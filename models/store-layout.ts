import { resolve } from 'node:path';

/**
 * Where things live in an object store (a bucket, a container or the local HSCODE_HOME
 * folder): the same keys in every cloud.
 */
export const storeKeys = {
  modelPrefix: (variant: string, version: string) => `models/${variant}/${version}/`,
  modelFile: (variant: string, version: string, file: string) => `models/${variant}/${version}/${file}`,
  /** The newest artifact trained locally per variant, for commands run without --model. */
  latestModel: (variant: string) => `models/${variant}/latest.json`,
  registryState: 'registry/state.json',
  /** The registry's append-only audit trail: one object per event, so appends never overwrite. */
  registryHistoryPrefix: 'registry/history/',
  /** Zero-padded so that the store's sorted listing is the order of events. */
  registryHistoryEntry: (seq: number) => `registry/history/${String(seq).padStart(8, '0')}.json`,
  incomingData: 'data/incoming/',
} as const;

/** The embedded default's store folder: HSCODE_HOME, or ./var in the current directory. */
export function hscodeHome(): string {
  return resolve(process.env.HSCODE_HOME ?? 'var');
}
