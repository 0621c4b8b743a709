import { performance } from 'node:perf_hooks';
import type { Classifier, Prediction, PredictOptions } from './classifier';
import { ModelUnavailableError } from './errors';

export interface CoalescingOptions {
  /**
   * The longest a description waits for others to share its model call, in milliseconds
   * (default 1). A batch is sent earlier when it fills, or as soon as an event-loop turn passes
   * with no new request (an idle server adds no wait). 0 sends each turn's requests at once.
   */
  maxWaitMs?: number;
  /** Descriptions per model call (default 256); a request at least this large runs alone. */
  maxBatch?: number;
}

/** What one coalesced model call held, for the metrics. */
export interface CoalescedBatch {
  requests: number;
  descriptions: number;
  /** How long its oldest request waited before the call started, in milliseconds. */
  waitedMs: number;
}

export const DEFAULT_COALESCING: Required<CoalescingOptions> = { maxWaitMs: 1, maxBatch: 256 };

/** Checks the bounds; says what is allowed. */
export function coalescingBounds(options: CoalescingOptions = {}): Required<CoalescingOptions> {
  const bounds = {
    maxWaitMs: options.maxWaitMs ?? DEFAULT_COALESCING.maxWaitMs,
    maxBatch: options.maxBatch ?? DEFAULT_COALESCING.maxBatch,
  };
  if (!(Number.isFinite(bounds.maxWaitMs) && bounds.maxWaitMs >= 0 && bounds.maxWaitMs <= 1000)) {
    throw new RangeError(`the coalescing wait must be 0 to 1000 ms, got ${bounds.maxWaitMs}`);
  }
  if (!(Number.isInteger(bounds.maxBatch) && bounds.maxBatch >= 1)) {
    throw new RangeError(`the coalescing batch must be a whole number ≥ 1, got ${bounds.maxBatch}`);
  }
  return bounds;
}

interface Waiting {
  texts: readonly string[];
  topK: number;
  resolve: (predictions: Prediction[]) => void;
  reject: (error: unknown) => void;
}

/** A request reached a coalescer after shutdown began (answered 503, like any unavailable model). */
export class CoalescerClosedError extends ModelUnavailableError {
  constructor() {
    super('the predict service is shutting down: retry against another instance');
    this.name = 'CoalescerClosedError';
  }
}

/**
 * Coalesces concurrent predictions for one model into one model call: descriptions asked for
 * in the same few event-loop turns are classified together (ONNX Runtime runs a batch of rows
 * for much less than the same rows one by one), and each caller gets its own predictions back,
 * in its own order. A batch answers exactly what the same calls made alone answer: the model
 * scores each row on its own, and the top-k of the largest topK asked for is cut down to each
 * caller's.
 *
 * Explanations are not coalesced (each adds a row per word); nor is a request that fills a
 * batch by itself. If a coalesced call fails, each of its requests is retried alone, so one
 * request's failure is never another's.
 */
export class Coalescer {
  private readonly bounds: Required<CoalescingOptions>;
  private queue: Waiting[] = [];
  private queued = 0;
  private oldest = 0;
  private seenAtLastTurn = 0;
  private arrivals = 0;
  private scheduled = false;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    readonly classifier: Classifier,
    options: CoalescingOptions = {},
    private readonly observe: (batch: CoalescedBatch) => void = () => undefined,
    /** Milliseconds from any fixed origin; tests pass a clock they move by hand. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.bounds = coalescingBounds(options);
  }

  predict(texts: readonly string[], options: PredictOptions): Promise<Prediction[]> {
    if (this.closed) return Promise.reject(new CoalescerClosedError());
    if (options.explain || texts.length >= this.bounds.maxBatch || texts.length === 0) {
      return this.classifier.predict(texts, options);
    }
    return new Promise<Prediction[]>((resolve, reject) => {
      if (this.queued + texts.length > this.bounds.maxBatch) this.send();
      if (this.queue.length === 0) this.oldest = this.now();
      this.queue.push({ texts, topK: options.topK, resolve, reject });
      this.queued += texts.length;
      this.arrivals++;
      if (this.queued >= this.bounds.maxBatch) this.send();
      else this.schedule();
    });
  }

  /** Sends what is queued now and waits for every call in flight; later requests are refused. */
  async close(): Promise<void> {
    this.closed = true;
    this.send();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * Looks again after each event-loop turn (the turn in which requests are read off their
   * sockets): while new requests keep arriving and the oldest has waited less than the bound,
   * it waits one more turn; otherwise it sends.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.seenAtLastTurn = this.arrivals;
    const look = () => {
      this.scheduled = false;
      if (this.queue.length === 0) return;
      const waited = this.now() - this.oldest;
      const quiet = this.arrivals === this.seenAtLastTurn;
      if (quiet || waited >= this.bounds.maxWaitMs) this.send();
      else this.schedule();
    };
    // Runs after the event loop's next look at its sockets, without waiting for new I/O: an
    // idle server sends at once, a busy one gathers what each turn reads.
    setImmediate(look);
  }

  private send(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    const waitedMs = this.now() - this.oldest;
    this.queue = [];
    this.queued = 0;
    const texts = batch.flatMap((w) => w.texts);
    const topK = Math.max(...batch.map((w) => w.topK));
    this.observe({ requests: batch.length, descriptions: texts.length, waitedMs });
    const call = this.classifier.predict(texts, { topK, explain: false }).then(
      (predictions) => {
        let at = 0;
        for (const waiting of batch) {
          const own = predictions.slice(at, at + waiting.texts.length);
          at += waiting.texts.length;
          waiting.resolve(own.map((p) => cutTo(p, waiting.topK)));
        }
      },
      async () => {
        // Which request broke the call is unknown: each is retried alone and fails alone.
        await Promise.all(
          batch.map((waiting) =>
            this.classifier
              .predict(waiting.texts, { topK: waiting.topK, explain: false })
              .then(waiting.resolve, waiting.reject),
          ),
        );
      },
    );
    const tracked = call.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

function cutTo(prediction: Prediction, topK: number): Prediction {
  if (prediction.candidates.length <= topK) return prediction;
  return { ...prediction, candidates: prediction.candidates.slice(0, topK) };
}
