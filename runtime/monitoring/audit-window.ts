import type { AuditRecord, LiveRecord } from '../core/audit';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import type { LiveWindow } from '../stats/drift';
import type { AuditPart, ModelPart } from './audit-part';
import { segmentOf, type AuditSpec } from './audit-needs';
import { LatencyTail, p99Below, tailPercentile } from './latency-tail';

/** Reads the records behind the window again, in trail order: the rare exact-percentile pass. */
export type AuditRescan = (visit: (record: AuditRecord) => void) => Promise<void>;

/** Which of a model's predictions a latency percentile is over. */
export interface LatencyGroup {
  /** Only predictions at or after this time (one of the spec's cuts); '' or absent: all. */
  since?: string;
  /** Shadow predictions too (the dashboard's panel), or only served ones (the promote job). */
  withShadows: boolean;
}

/**
 * The audit window the jobs and the dashboard describe (e.g. the newest 7 days), as the sum of
 * its parts' running aggregates, oldest part first. Every answer is the one the records
 * themselves would give: counts and distributions are exact sums, the newest predictions are
 * kept as such, and a latency percentile the kept tails cannot settle is settled by reading the
 * window again (see selectRank), never by an estimate.
 */
export class AuditWindow {
  constructor(
    private readonly parts: readonly AuditPart[],
    readonly spec: AuditSpec,
    private readonly rescan: AuditRescan,
  ) {}

  get records(): number {
    return this.parts.reduce((sum, p) => sum + p.records, 0);
  }

  get firstPrediction(): string | null {
    let first: string | undefined;
    for (const p of this.parts)
      if (p.first !== undefined && (first === undefined || p.first < first)) first = p.first;
    return first ?? null;
  }

  get lastPrediction(): string | null {
    let last: string | undefined;
    for (const p of this.parts)
      if (p.last !== undefined && (last === undefined || p.last > last)) last = p.last;
    return last ?? null;
  }

  /** Every model with a prediction in the window, in the order of its first one. */
  models(): ModelRef[] {
    const seen = new Map<string, ModelRef>();
    for (const part of this.parts) {
      for (const [key, model] of part.models) if (!seen.has(key)) seen.set(key, model.ref);
    }
    return [...seen.values()];
  }

  /** Every model that answered a prediction in the window, in the order of its first answer. */
  servingModels(): ModelRef[] {
    const seen = new Map<string, ModelRef>();
    for (const part of this.parts) {
      for (const ref of part.servingOrder) if (!seen.has(modelRefKey(ref))) seen.set(modelRefKey(ref), ref);
    }
    return [...seen.values()];
  }

  /** Predictions the model answered (shadows answer none), from `since` on when given. */
  served(ref: ModelRef, since = ''): number {
    const from = this.segmentFrom(since);
    return this.modelParts(ref).reduce((sum, m) => sum + m.served(from), 0);
  }

  /** Requests routed to the model that it could not answer (the champion answered), from `since` on. */
  failed(ref: ModelRef, since = ''): number {
    const from = this.segmentFrom(since);
    const key = modelRefKey(ref);
    let n = 0;
    for (const part of this.parts) {
      const counts = part.fellBack.get(key) ?? [];
      for (let s = from; s < counts.length; s++) n += counts[s] ?? 0;
    }
    return n;
  }

  /** The nearest-rank p99 of the group's model latencies; null without predictions. */
  async latencyP99(ref: ModelRef, group: LatencyGroup): Promise<number | null> {
    const from = this.segmentFrom(group.since ?? '');
    const tails: LatencyTail[] = [];
    for (const model of this.modelParts(ref)) {
      for (const segment of model.segments.slice(from)) {
        tails.push(segment.served);
        if (group.withShadows) tails.push(segment.shadow);
      }
    }
    const settled = tailPercentile(tails);
    if (settled !== undefined) return settled;
    // One slow stretch holds more of the percentile than its tail kept: one more read, keeping
    // only the largest values below what the tails dropped.
    const { cut, count } = p99Below(tails);
    const largest = new LatencyTail(() => count);
    const since = group.since ?? '';
    await this.rescan((record) => {
      if (record.variant !== ref.variant || record.version !== ref.version) return;
      if ((record.shadow && !group.withShadows) || record.time < since) return;
      if (record.latencyMs <= cut) largest.add(record.latencyMs);
    });
    const found = largest.smallest();
    if (found === undefined) throw new Error(`the audit trail changed while its p99 was read again`);
    return found;
  }

  /** All of the model's predictions (served and shadow) as drift detection reads them. */
  liveWindow(ref: ModelRef, bins: number): LiveWindow {
    const chapterCounts: Record<string, number> = {};
    const counts = new Array<number>(bins).fill(0);
    let n = 0;
    let words = 0;
    let unknownWords = 0;
    for (const model of this.modelParts(ref)) {
      const binned = bins > 0 ? model.confidenceCounts.get(bins) : [];
      if (!binned) throw new Error(`the audit window was not asked for ${bins} confidence bins`);
      binned.forEach((count, bin) => (counts[bin]! += count));
      for (const [chapter, count] of model.chapterCounts)
        chapterCounts[chapter] = (chapterCounts[chapter] ?? 0) + count;
      n += model.withTop;
      words += model.words;
      unknownWords += model.unknownWords;
    }
    return { chapterCounts, topConfidences: { n, counts }, words, unknownWords };
  }

  /** The model's newest `size` served predictions as drift detection reads them. */
  newestServed(ref: ModelRef, size: number): LiveWindow {
    if (size > this.spec.newest)
      throw new Error(`the audit window keeps only ${this.spec.newest} newest predictions`);
    const chapters: (string | null)[] = [];
    const confidences: number[] = [];
    const words: number[] = [];
    const unknownWords: number[] = [];
    for (const model of this.modelParts(ref).reverse()) {
      if (chapters.length >= size) break;
      const newest = model.newest();
      const take = Math.min(size - chapters.length, newest.chapters.length);
      const from = newest.chapters.length - take;
      chapters.unshift(...newest.chapters.slice(from));
      confidences.unshift(...newest.confidences.slice(from));
      words.unshift(...newest.words.slice(from));
      unknownWords.unshift(...newest.unknownWords.slice(from));
    }
    const live: LiveWindow = { chapterCounts: {}, topConfidences: [] as number[], words: 0, unknownWords: 0 };
    const tops = live.topConfidences as number[];
    chapters.forEach((chapter, i) => {
      if (chapter === null) return;
      live.chapterCounts[chapter] = (live.chapterCounts[chapter] ?? 0) + 1;
      tops.push(confidences[i]!);
      if (!Number.isNaN(words[i])) {
        live.words += words[i]!;
        live.unknownWords += unknownWords[i]!;
      }
    });
    return live;
  }

  /** The served record of a wanted prediction id (the newest, if the id appears twice). */
  prediction(predictionId: string): LiveRecord | undefined {
    let found: LiveRecord | undefined;
    for (const part of this.parts) found = part.found.get(predictionId) ?? found;
    return found;
  }

  private modelParts(ref: ModelRef): ModelPart[] {
    const key = modelRefKey(ref);
    return this.parts.flatMap((p) => {
      const model = p.models.get(key);
      return model ? [model] : [];
    });
  }

  private segmentFrom(since: string): number {
    if (since === '') return 0;
    if (!this.spec.cuts.includes(since)) throw new Error(`the audit window was not asked to cut at ${since}`);
    return segmentOf(this.spec.cuts, since);
  }
}
