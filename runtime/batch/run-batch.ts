import type { Readable, Writable } from 'node:stream';
import { MAX_TOP_K } from '../core/classifier';
import type { PredictResponse } from '../core/predict-service';
import { DEFAULT_LIMITS, type PredictLimits, type PredictRequest } from '../core/predict-request';
import { BatchInputError } from './batch-input-error';
import { rejectItem, type BatchReject, type BatchRow } from './batch-items';
import { BatchTally, type BatchSummary } from './batch-summary';
import { predictionHeader, predictionRecord } from './prediction-csv';
import { readDescriptions, type DescriptionInput } from './read-descriptions';
import { REJECTS_HEADER, rejectRecord } from './rejects-csv';
import { TextSink } from './text-sink';

/** What a batch needs of the predict service (PredictService is one). */
export interface BatchPredictor {
  predict(request: PredictRequest): Promise<PredictResponse>;
  /** Makes audit records durable; called every few chunks, so they never pile up in memory. */
  drain?(): Promise<void>;
  /** The per-request limits: a chunk is at most maxItems rows, a longer description is rejected. */
  readonly limits?: PredictLimits;
}

/** Where the two CSV outputs go; each is opened at most once, and only when needed. */
export interface BatchOutputs {
  /** Opened once the input is known to be readable (never for one that is not). */
  predictions(): Writable;
  /** Opened on the first rejected row; never when there is none. */
  rejects(): Writable;
}

export interface BatchOptions {
  /** The input's bytes: CSV, TSV or JSONL. */
  input: AsyncIterable<Uint8Array> | Readable;
  /** The input's file name or key: its extension decides the format when it names one. */
  name: string;
  outputs: BatchOutputs;
  service: BatchPredictor;
  /** Candidates per row, 1 to 20. */
  topK?: number;
  /** A/B routing key for every row; default: each prediction is routed by its own id. */
  key?: string;
  /** Descriptions per call to the service; at most (and by default) its per-request limit. */
  chunkSize?: number;
}

export const DEFAULT_BATCH_TOP_K = 3;
/** Audit records are made durable every this many chunks. */
const DRAIN_EVERY_CHUNKS = 16;

function checkOptions(options: BatchOptions, limits: PredictLimits) {
  const topK = options.topK ?? DEFAULT_BATCH_TOP_K;
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new RangeError(`topK must be an integer from 1 to ${MAX_TOP_K}, got ${topK}`);
  }
  const chunkSize = options.chunkSize ?? limits.maxItems;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > limits.maxItems) {
    throw new RangeError(`chunkSize must be an integer from 1 to ${limits.maxItems}, got ${chunkSize}`);
  }
  return { topK, chunkSize };
}

/** Why the service would refuse a row, found before it is sent, so one bad row cannot fail its chunk. */
function refusal(row: BatchRow, limits: PredictLimits): BatchReject | undefined {
  if (row.description.trim() === '') return rejectItem(row.line, 'blank-description', row.raw());
  if (row.description.length > limits.maxChars) return rejectItem(row.line, 'too-long', row.raw());
  return undefined;
}

/**
 * Predicts every row of a CSV, TSV or JSONL input of descriptions through `service.predict`, in
 * chunks of the service's request limit, so each row is routed and audited exactly like an online
 * prediction. Input and outputs are streamed with back-pressure: memory does not grow with the
 * input. Rows that cannot be predicted go to the rejects output with their line numbers; an input
 * that cannot be read at all gives a summary with `error` and no outputs. A failure of the service
 * or of an output destroys the outputs opened (so a store never commits them) and is thrown.
 */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const limits = options.service.limits ?? DEFAULT_LIMITS;
  const { topK, chunkSize } = checkOptions(options, limits);
  const tally = new BatchTally(options.name, topK);
  let input: DescriptionInput;
  try {
    input = await readDescriptions(options.input, options.name);
  } catch (err) {
    if (err instanceof BatchInputError)
      return tally.summary({ error: { problem: err.problem, message: err.message } });
    throw err;
  }

  let predictions: TextSink | undefined;
  let rejects: TextSink | undefined;
  let withId = false;
  let chunks = 0;
  const openPredictions = async (): Promise<TextSink> => {
    if (predictions) return predictions;
    predictions = new TextSink(options.outputs.predictions());
    withId = input.columns()?.id !== undefined;
    await predictions.write(predictionHeader(topK, withId));
    return predictions;
  };
  const reject = async (item: BatchReject) => {
    if (!rejects) {
      rejects = new TextSink(options.outputs.rejects());
      await rejects.write(REJECTS_HEADER);
    }
    tally.rejectedRow(item.reason);
    await rejects.write(rejectRecord(item));
  };
  const predict = async (rows: BatchRow[]) => {
    const response = await options.service.predict({
      descriptions: rows.map((row) => row.description),
      topK,
      explain: false,
      ...(options.key === undefined ? {} : { key: options.key }),
    });
    let text = '';
    response.predictions.forEach((result, i) => {
      text += predictionRecord(rows[i] as BatchRow, result, topK, withId);
      tally.predictedRow(result);
    });
    await (await openPredictions()).write(text);
    if (++chunks % DRAIN_EVERY_CHUNKS === 0) await options.service.drain?.();
  };

  try {
    const pending: BatchRow[] = [];
    for await (const items of input.items) {
      await openPredictions();
      for (const item of items) {
        const refused = item.kind === 'reject' ? item : refusal(item, limits);
        if (refused) await reject(refused);
        else if (item.kind === 'row' && pending.push(item) >= chunkSize) {
          await predict(pending.splice(0, chunkSize));
        }
      }
    }
    if (pending.length > 0) await predict(pending.splice(0));
    await (await openPredictions()).end();
    await rejects?.end();
    await options.service.drain?.();
  } catch (err) {
    const failure = err instanceof Error ? err : new Error(String(err));
    predictions?.abort(failure);
    rejects?.abort(failure);
    if (err instanceof BatchInputError) {
      return tally.summary({ format: input.format, error: { problem: err.problem, message: err.message } });
    }
    throw err;
  }
  const columns = input.columns();
  return tally.summary({ format: input.format, ...(columns ? { columns } : {}) });
}
