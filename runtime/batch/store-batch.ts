import { createHash } from 'node:crypto';
import { TRIGGER_PREFIXES } from '../../models/deployment';
import { errorMessage } from '../core/errors';
import { claimContent } from '../jobs/content-claim';
import type { ObjectStore } from '../store/object-store';
import { runBatchTo, type BatchDestination } from './batch-destination';
import { batchClaimKey, batchOutputKeys } from './batch-keys';
import type { BatchSummary } from './batch-summary';
import type { BatchPredictor } from './run-batch';

export interface BatchObjectOptions {
  store: ObjectStore;
  /** The key of the object that was created. */
  key: string;
  service: BatchPredictor;
  topK?: number;
  /** A/B routing key for every row (default: each prediction routed by its id). */
  routingKey?: string;
  chunkSize?: number;
  /** A claim older than this from a run that never finished may be taken over (default 1 hour). */
  staleClaimMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export type BatchObjectResult =
  | { status: 'skipped'; key: string; reason: string }
  /** The run finished; `summary.error` says when the input could not be read at all. */
  | { status: 'done'; key: string; summary: BatchSummary };

const DEFAULT_STALE_CLAIM_MS = 60 * 60 * 1000;

async function sha256Of(store: ObjectStore, key: string): Promise<string | undefined> {
  const stream = await store.readStream(key);
  if (!stream) return undefined;
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

const storeDestination = (store: ObjectStore, names: BatchDestination['names']): BatchDestination => ({
  names,
  write: (kind, source) => store.writeStream(names[kind], source),
  writeSummary: (json) => store.put(names.summary, json),
  remove: (kind) => store.delete(names[kind]),
});

/**
 * What every host calls when an object is created in its store (an S3 event, an Eventarc storage
 * event, an Event Grid blob event, the embedded server's folder watcher): `batch/in/<name>` is
 * predicted into `batch/out/<name>.csv`, with `.rejects.csv` (when there are rejects) and
 * `.summary.json`. Keys elsewhere are skipped with the reason. The input is claimed by its key and
 * content first, so an event delivered twice, or a file saved again unchanged, is predicted once.
 * A failure marks the claim failed (a redelivery retries) and is thrown.
 */
export async function runBatchForObject(options: BatchObjectOptions): Promise<BatchObjectResult> {
  const { store, key } = options;
  const log = options.log ?? (() => undefined);
  const names = batchOutputKeys(key);
  if (!names) return { status: 'skipped', key, reason: `${key} is not under ${TRIGGER_PREFIXES.batch}` };
  const contentSha = await sha256Of(store, key);
  if (contentSha === undefined) return { status: 'skipped', key, reason: `${key} is no longer in the store` };
  const claim = await claimContent<{ rows: BatchSummary['rows']; error?: string }>(store, {
    claimKey: batchClaimKey(key, contentSha),
    input: { key, sha256: contentSha },
    staleMs: options.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS,
    now: options.now ?? Date.now,
  });
  if (!claim.claimed) return { status: 'skipped', key, reason: claim.reason };

  let summary: BatchSummary;
  try {
    const input = await store.readStream(key);
    if (!input) {
      await claim.fail('the input was deleted before it was read');
      return { status: 'skipped', key, reason: `${key} is no longer in the store` };
    }
    summary = await runBatchTo(storeDestination(store, names), {
      input,
      name: key,
      service: options.service,
      ...(options.topK === undefined ? {} : { topK: options.topK }),
      ...(options.routingKey === undefined ? {} : { key: options.routingKey }),
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
    });
  } catch (err) {
    await claim.fail(errorMessage(err)).catch(() => undefined);
    throw err;
  }
  await claim.finish({ rows: summary.rows, ...(summary.error ? { error: summary.error.message } : {}) });
  const { read, predicted, rejected } = summary.rows;
  log(
    summary.error
      ? `batch ${key}: not read: ${summary.error.message}`
      : `batch ${key}: ${read} rows, ${predicted} predicted, ${rejected} rejected → ${names.predictions}`,
  );
  return { status: 'done', key, summary };
}
