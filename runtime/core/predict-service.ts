import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ObjectStore } from '../store/object-store';
import { inputSha256, type AuditRecord, type AuditSink, type PredictionLookup } from './audit';
import type { Candidate, Classifier, ModelInfo, Prediction, WordWeight } from './classifier';
import { Coalescer, coalescingBounds, type CoalescedBatch, type CoalescingOptions } from './coalescer';
import { ModelUnavailableError, errorMessage } from './errors';
import { FeedbackService, type FeedbackGiver, type FeedbackInput, type FeedbackRecord } from './feedback';
import { loadApprovedArtifact, UnapprovedModelError } from './model-approval';
import { ModelPool } from './model-pool';
import { OnnxClassifier, prepareToServe } from './onnx-classifier';
import {
  DEFAULT_LIMITS,
  validatePredictRequest,
  type PredictLimits,
  type PredictRequest,
} from './predict-request';
import { firstFound, RecentPredictions } from './recent-predictions';
import { bareModelRef, modelRefKey, sameModel, type ModelRef } from '../../models/model-ref';
import { assertValidRoutingState, routeRequest, type Route, type RoutingState } from './router';

/** One description's answer (the public response's shape: keep the names). */
export interface PredictionResult {
  predictionId: string;
  variant: string;
  modelVersion: string;
  modelSha256: string;
  needsReview: boolean;
  candidates: Candidate[];
  explanation?: WordWeight[];
}

export interface PredictResponse {
  predictions: PredictionResult[];
  /** Time inside the service for the whole request, in milliseconds. */
  latencyMs: number;
}

export interface PredictServiceOptions {
  store: ObjectStore;
  audit: AuditSink;
  /** The current routing state; called per request, so it should cache (a registry reader does). */
  registry: () => RoutingState | Promise<RoutingState>;
  limits?: Partial<PredictLimits>;
  /** Keep description texts in audit and feedback records; off, only their sha256 is kept. */
  recordText?: boolean;
  /** Where feedback finds predictions older than this process's memory (e.g. a LocalAuditSink). */
  predictionLookup?: PredictionLookup;
  /** ONNX Runtime intra-op threads per model (default 1). */
  intraOpThreads?: number;
  /** How models are loaded; default: ONNX artifacts from `store` that verify and that the registry approved. */
  loadClassifier?: (ref: ModelRef) => Promise<Classifier>;
  /**
   * Called once per refused load of a model whose files are not the ones the registry approved
   * (the default loader only), so the host can record an alarm where it may write the registry.
   */
  onUnapprovedModel?: (error: UnapprovedModelError) => void | Promise<void>;
  log?: (line: string) => void;
  /** Served predictions remembered for feedback. */
  recentPredictions?: number;
  /** Feedback for a prediction id nobody here knows: refused (default) or parked (see FeedbackService). */
  unknownPrediction?: 'reject' | 'park';
  /**
   * How concurrent requests share model calls (see coalescer.ts; default: a wait of at most
   * 1 ms, batches of up to 256 descriptions); `false` gives each request its own call.
   */
  coalescing?: (CoalescingOptions & { observe?: (batch: CoalescedBatch) => void }) | false;
}

interface Group {
  route: Route;
  indices: number[];
}

// Enough for the promote job to compare a shadow with the served model at top-1 and top-5.
const SHADOW_TOP_K = 5;

const toAuditTopK = (prediction: Prediction) =>
  prediction.candidates.map((c) => ({ hs6: c.hs6, probability: c.probability }));

/**
 * The cloud-neutral predict and feedback core that every entry module (HTTP server, Lambda, Cloud
 * Functions, Azure Functions) wraps: validate → route → classify → audit, with shadow scoring and
 * the fallbacks that keep a bad model from ever answering.
 */
export class PredictService {
  /** The per-request limits this service enforces (batch runs chunk and reject by them). */
  readonly limits: PredictLimits;
  private readonly pool: ModelPool;
  private readonly recent: RecentPredictions;
  private readonly feedback: FeedbackService;
  private readonly log: (line: string) => void;
  private readonly pending = new Set<Promise<void>>();
  /** Predictions being answered: shutdown waits for them before it closes the coalescers. */
  private readonly answering = new Set<Promise<void>>();
  /** One per model served, by its name; replaced when the pool loads the model afresh. */
  private readonly coalescers = new Map<string, Coalescer>();
  private lastState: RoutingState | undefined;

  constructor(private readonly options: PredictServiceOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    const load =
      options.loadClassifier ??
      (async (ref: ModelRef) => {
        let artifact;
        try {
          artifact = await loadApprovedArtifact(options.store, ref, { whileReading: prepareToServe });
        } catch (err) {
          if (err instanceof UnapprovedModelError) {
            await Promise.resolve(options.onUnapprovedModel?.(err)).catch((alarmError: unknown) =>
              this.log(
                `the alarm for ${modelRefKey(ref)} could not be recorded: ${errorMessage(alarmError)}`,
              ),
            );
          }
          throw err;
        }
        return OnnxClassifier.fromArtifact(artifact, { intraOpThreads: options.intraOpThreads ?? 1 });
      });
    this.pool = new ModelPool({ load, log: this.log });
    this.recent = new RecentPredictions(options.recentPredictions);
    const lookups = options.predictionLookup ? [this.recent, options.predictionLookup] : [this.recent];
    this.feedback = new FeedbackService({
      store: options.store,
      lookup: firstFound(...lookups),
      unknownPrediction: options.unknownPrediction ?? 'reject',
    });
    // Checked here, so a bad bound stops the service at start rather than at its first request.
    if (options.coalescing !== false) coalescingBounds(options.coalescing);
  }

  predict(request: PredictRequest): Promise<PredictResponse> {
    const answer = this.answer(request);
    const settled = answer.then(
      () => undefined,
      () => undefined,
    );
    this.answering.add(settled);
    void settled.finally(() => this.answering.delete(settled));
    return answer;
  }

  private async answer(request: PredictRequest): Promise<PredictResponse> {
    const started = performance.now();
    const { descriptions, topK, explain, key } = validatePredictRequest(request, this.limits);
    const state = await this.routingState();
    const ids = descriptions.map(() => randomUUID());
    const groups = this.group(state, ids, key);

    const results: PredictionResult[] = new Array(descriptions.length);
    const time = new Date().toISOString();
    for (const { route, indices } of groups.values()) {
      const classifier = await this.pool.serving(route.serve, state.champion);
      const fallbackFrom = sameModel(classifier.info, route.serve) ? undefined : bareModelRef(route.serve);
      const texts = indices.map((i) => descriptions[i] as string);
      const modelStarted = performance.now();
      const predictions = await this.modelCall(classifier).predict(texts, { topK, explain });
      const latencyMs = performance.now() - modelStarted;
      predictions.forEach((prediction, j) => {
        const i = indices[j] as number;
        const predictionId = ids[i] as string;
        results[i] = this.result(predictionId, classifier.info, prediction);
        const record = this.auditRecord(
          predictionId,
          time,
          classifier.info,
          texts[j] as string,
          prediction,
          latencyMs,
          false,
          fallbackFrom,
        );
        this.options.audit.write(record);
        this.recent.remember(record);
      });
      if (route.shadows.length > 0)
        this.scoreShadows(
          route.shadows,
          classifier.info,
          texts,
          indices.map((i) => ids[i] as string),
          time,
        );
    }
    return { predictions: results, latencyMs: performance.now() - started };
  }

  /** Stores feedback from `givenBy` (see FeedbackService for unknown ids and held corrections). */
  submitFeedback(
    input: FeedbackInput,
    givenBy?: FeedbackGiver,
  ): Promise<{ key: string; record: FeedbackRecord }> {
    return this.feedback.submit(input, givenBy);
  }

  /** Loads the current champion, challengers and shadows now, so the first request does not wait. */
  async preload(): Promise<void> {
    const state = await this.routingState();
    await this.pool.champion(state.champion);
    await Promise.all([
      ...state.challengers.map((c) => this.pool.serving({ ...c, arm: 'challenger' }, state.champion)),
      ...state.shadows.map((s) => this.pool.shadow(s)),
    ]);
  }

  /** What each loaded model is (for `GET /v1/models`). */
  async models(): Promise<ModelInfo[]> {
    return (await this.pool.loaded()).map((c) => c.info);
  }

  /** Waits for shadow scoring in flight and makes every audit record durable. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.options.audit.flush();
  }

  /**
   * Finishes the predictions under way (new ones started meanwhile too), drains, then closes the
   * audit sink: call once, at shutdown, after the entry point has stopped taking requests.
   */
  async close(): Promise<void> {
    while (this.answering.size > 0) await Promise.all([...this.answering]);
    await Promise.all([...this.coalescers.values()].map((c) => c.close()));
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.options.audit.close();
  }

  /** Where a request's descriptions go: the model's coalescer, or the model itself. */
  private modelCall(classifier: Classifier): Pick<Classifier, 'predict'> {
    const { coalescing } = this.options;
    if (coalescing === false) return classifier;
    const name = modelRefKey(classifier.info);
    const current = this.coalescers.get(name);
    if (current?.classifier === classifier) return current;
    // The pool loaded this model again: the old coalescer answers what it holds and retires.
    void current?.close();
    const created = new Coalescer(classifier, coalescing, coalescing?.observe);
    this.coalescers.set(name, created);
    return created;
  }

  /** The registry's state, or the last valid one when it cannot be read or makes no sense. */
  private async routingState(): Promise<RoutingState> {
    try {
      const state = await this.options.registry();
      assertValidRoutingState(state);
      this.lastState = state;
      return state;
    } catch (err) {
      if (!this.lastState) {
        throw new ModelUnavailableError(`the registry state cannot be read: ${errorMessage(err)}`);
      }
      this.log(`registry state unusable (${errorMessage(err)}); routing with the last good state`);
      return this.lastState;
    }
  }

  /** Descriptions grouped by the model they were routed to; one key routes the whole request. */
  private group(state: RoutingState, ids: readonly string[], key: string | undefined): Map<string, Group> {
    const groups = new Map<string, Group>();
    const shared = key === undefined ? undefined : routeRequest(state, key);
    ids.forEach((id, i) => {
      const route = shared ?? routeRequest(state, id);
      const name = modelRefKey(route.serve);
      const group = groups.get(name);
      if (group) group.indices.push(i);
      else groups.set(name, { route, indices: [i] });
    });
    return groups;
  }

  private result(predictionId: string, info: ModelInfo, prediction: Prediction): PredictionResult {
    return {
      predictionId,
      variant: info.variant,
      modelVersion: info.version,
      modelSha256: info.modelSha256,
      needsReview: prediction.needsReview,
      candidates: prediction.candidates,
      ...(prediction.explanation ? { explanation: prediction.explanation } : {}),
    };
  }

  private auditRecord(
    predictionId: string,
    time: string,
    info: ModelInfo,
    text: string,
    prediction: Prediction,
    latencyMs: number,
    shadow = false,
    fallbackFrom?: ModelRef,
  ): AuditRecord {
    return {
      predictionId,
      time,
      variant: info.variant,
      version: info.version,
      modelSha256: info.modelSha256,
      inputSha256: inputSha256(text),
      ...(this.options.recordText ? { text } : {}),
      topK: toAuditTopK(prediction),
      latencyMs,
      ...(shadow ? { shadow: true } : {}),
      ...(fallbackFrom ? { fallbackFrom } : {}),
      needsReview: prediction.needsReview,
      words: prediction.words,
      unknownWords: prediction.unknownWords,
    };
  }

  /**
   * Shadow models score the same descriptions after the response is on its way; their records
   * carry the served prediction's id, so the promote job can compare them on the same feedback.
   * A shadow's failure never reaches the caller.
   */
  private scoreShadows(
    shadows: readonly ModelRef[],
    served: ModelInfo,
    texts: string[],
    ids: string[],
    time: string,
  ): void {
    const work = (async () => {
      for (const ref of shadows) {
        if (sameModel(ref, served)) continue;
        try {
          const shadow = await this.pool.shadow(ref);
          if (!shadow) continue;
          const started = performance.now();
          const predictions = await shadow.predict(texts, { topK: SHADOW_TOP_K, explain: false });
          const latencyMs = performance.now() - started;
          predictions.forEach((prediction, j) => {
            this.options.audit.write(
              this.auditRecord(
                ids[j] as string,
                time,
                shadow.info,
                texts[j] as string,
                prediction,
                latencyMs,
                true,
              ),
            );
          });
        } catch (err) {
          this.log(`shadow ${modelRefKey(ref)} failed to score: ${errorMessage(err)}`);
        }
      }
    })();
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}
