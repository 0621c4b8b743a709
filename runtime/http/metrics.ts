import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface HttpMetricsOptions {
  /** Also export the process's CPU, memory, event-loop and GC metrics (default true). */
  processMetrics?: boolean;
}

// From 1 ms (a rejected request) to 10 s (a cold model load behind a full batch).
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// The model pool's failure line: "model <variant>/<version> (<role>) was not loaded: …".
const LOAD_FAILURE = /^model (\S+?)\/\S+ \((champion|challenger|shadow)\) was not loaded:/;

/**
 * The service's Prometheus metrics, on a registry of its own so that two services in one process
 * (tests, or an embedding application with its own metrics) never collide. Label values are
 * bounded: routes are the route table's names, variants the catalogue's.
 */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route' | 'method'>;
  private readonly predictions: Counter<'variant'>;
  private readonly needsReview: Counter<'variant'>;
  private readonly loadFailures: Counter<'variant' | 'role'>;

  constructor(options: HttpMetricsOptions = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'hscode_http_requests_total',
      help: 'HTTP requests answered, by route, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'hscode_http_request_duration_seconds',
      help: 'Time from the request reaching the handler to its response, by route and method.',
      labelNames: ['route', 'method'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.predictions = new Counter({
      name: 'hscode_predictions_total',
      help: 'Descriptions answered, by the variant of the model that answered.',
      labelNames: ['variant'],
      registers,
    });
    this.needsReview = new Counter({
      name: 'hscode_predictions_needs_review_total',
      help: 'Predictions whose top probability was below the model abstain threshold.',
      labelNames: ['variant'],
      registers,
    });
    this.loadFailures = new Counter({
      name: 'hscode_model_load_failures_total',
      help: 'Model loads that failed (missing artifact, failed verification), by variant and role.',
      labelNames: ['variant', 'role'],
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.duration.observe({ route, method }, seconds);
  }

  observePredictions(predictions: ReadonlyArray<{ variant: string; needsReview: boolean }>): void {
    for (const { variant, needsReview } of predictions) {
      this.predictions.inc({ variant });
      if (needsReview) this.needsReview.inc({ variant });
    }
  }

  observeModelLoadFailure(variant: string, role: string): void {
    this.loadFailures.inc({ variant, role });
  }

  /**
   * Wraps the log function given to PredictService: every line still reaches `log`, and the model
   * pool's "was not loaded" lines are counted (the core reports load failures only as log lines).
   */
  countingModelLoadFailures(log: (line: string) => void): (line: string) => void {
    return (line) => {
      const failure = LOAD_FAILURE.exec(line);
      if (failure) this.observeModelLoadFailure(failure[1] as string, failure[2] as string);
      log(line);
    };
  }

  private source: (() => Promise<{ contentType: string; text: string }>) | undefined;

  /** Serve another exposition at /metrics: with worker processes, all of theirs together. */
  useExposition(source: () => Promise<{ contentType: string; text: string }>): void {
    this.source = source;
  }

  async exposition(): Promise<{ contentType: string; text: string }> {
    if (this.source) return this.source();
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
