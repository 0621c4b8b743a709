import { PassThrough, type Readable } from 'node:stream';
import type { BatchSummary } from './batch-summary';
import { runBatch, type BatchOptions } from './run-batch';

export type BatchOutputKind = 'predictions' | 'rejects';

/** Where one batch's outputs go: keys in an object store, or files side by side. */
export interface BatchDestination {
  /** The outputs' names (keys or paths), as the summary reports them. */
  names: Record<BatchOutputKind | 'summary', string>;
  /** Writes one output from a stream, atomically: a source that fails leaves nothing new. */
  write(kind: BatchOutputKind, source: Readable): Promise<unknown>;
  writeSummary(json: string): Promise<unknown>;
  /** Removes what an earlier run of the same name left and this run did not write again. */
  remove(kind: BatchOutputKind): Promise<void>;
}

/**
 * Runs a batch into a destination: the predictions and rejects are streamed into it as they are
 * made, outputs of an earlier run that this one did not produce are removed (nobody fixes rejects
 * that are already fixed), and the summary, naming the outputs, is written last, so its presence
 * says the run finished. A failure writes no summary and commits no output, and is thrown: the
 * failed write's own error when a write failed.
 */
export async function runBatchTo(
  destination: BatchDestination,
  options: Omit<BatchOptions, 'outputs'>,
): Promise<BatchSummary> {
  const writes = new Map<BatchOutputKind, Promise<unknown>>();
  const open = (kind: BatchOutputKind) => {
    const stream = new PassThrough();
    // A failed batch destroys the stream with its error, perhaps before the destination has
    // started reading it: the error reaches the caller from runBatch, not as an 'error' event.
    stream.on('error', () => undefined);
    const written = destination.write(kind, stream);
    // A destination that fails without reading the stream would leave the batch waiting for it
    // to drain; stopping the stream stops the batch. The rejection itself is awaited below.
    written.catch((err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err))));
    writes.set(kind, written);
    return stream;
  };
  let summary: BatchSummary;
  try {
    summary = await runBatch({
      ...options,
      outputs: { predictions: () => open('predictions'), rejects: () => open('rejects') },
    });
  } catch (err) {
    const failedWrite = (await Promise.allSettled(writes.values())).find((r) => r.status === 'rejected');
    throw failedWrite ? failedWrite.reason : err;
  }
  await Promise.all(writes.values());
  const kinds: BatchOutputKind[] = ['predictions', 'rejects'];
  for (const kind of kinds) if (!writes.has(kind)) await destination.remove(kind);
  const { names } = destination;
  summary.outputs = {
    ...(writes.has('predictions') ? { predictions: names.predictions } : {}),
    ...(writes.has('rejects') ? { rejects: names.rejects } : {}),
    summary: names.summary,
  };
  await destination.writeSummary(`${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
