import { liveRecordOf, type AuditRecord, type LiveRecord } from '../core/audit';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import { confidenceBin } from '../stats/drift';
import { segmentOf, type AuditSpec } from './audit-needs';
import { LatencyTail } from './latency-tail';

/** One stretch between cuts: the latencies of the model's served and shadow predictions. */
export interface Segment {
  served: LatencyTail;
  shadow: LatencyTail;
}

/** The newest served predictions of a model, oldest first, as the drift check reads them. */
export interface NewestServed {
  /** Predicted chapter, or null for a record without candidates. */
  chapters: (string | null)[];
  confidences: number[];
  /** NaN where the record did not count words. */
  words: number[];
  unknownWords: number[];
}

/** What one model's predictions in one part of the trail add up to. */
export class ModelPart {
  readonly segments: Segment[] = [];
  /** Every prediction with a top candidate (served or shadow): the dashboard's drift inputs. */
  withTop = 0;
  readonly chapterCounts = new Map<string, number>();
  /** Confidence counts per bin, for each bin count the spec asks for. */
  readonly confidenceCounts = new Map<number, number[]>();
  words = 0;
  unknownWords = 0;
  /** A ring of the newest served predictions; `newestStart` is where the oldest sits once full. */
  private readonly ring: NewestServed = { chapters: [], confidences: [], words: [], unknownWords: [] };
  private ringStart = 0;

  constructor(
    readonly ref: ModelRef,
    private readonly spec: AuditSpec,
  ) {
    for (const bins of spec.confidenceBins.filter((k) => k > 0))
      this.confidenceCounts.set(bins, new Array<number>(bins).fill(0));
  }

  add(record: AuditRecord): void {
    const segment = this.segment(segmentOf(this.spec.cuts, record.time));
    const top = record.topK[0];
    const counted = typeof record.words === 'number' && typeof record.unknownWords === 'number';
    if (record.shadow) segment.shadow.add(record.latencyMs);
    else {
      segment.served.add(record.latencyMs);
      this.remember(top ? top.hs6.slice(0, 2) : null, top?.probability ?? NaN, record, counted);
    }
    if (!top) return;
    this.withTop++;
    const chapter = top.hs6.slice(0, 2);
    this.chapterCounts.set(chapter, (this.chapterCounts.get(chapter) ?? 0) + 1);
    if (Number.isFinite(top.probability)) {
      for (const [bins, counts] of this.confidenceCounts) counts[confidenceBin(top.probability, bins)]!++;
    }
    if (counted) {
      this.words += record.words as number;
      this.unknownWords += record.unknownWords as number;
    }
  }

  /** Served predictions from `fromSegment` on. */
  served(fromSegment = 0): number {
    let n = 0;
    for (let s = fromSegment; s < this.segments.length; s++) n += this.segments[s]!.served.n;
    return n;
  }

  /** The newest served predictions this part holds, oldest first. */
  newest(): NewestServed {
    const order = <T>(values: T[]) => [...values.slice(this.ringStart), ...values.slice(0, this.ringStart)];
    return {
      chapters: order(this.ring.chapters),
      confidences: order(this.ring.confidences),
      words: order(this.ring.words),
      unknownWords: order(this.ring.unknownWords),
    };
  }

  private segment(index: number): Segment {
    while (this.segments.length <= index)
      this.segments.push({ served: new LatencyTail(), shadow: new LatencyTail() });
    return this.segments[index]!;
  }

  private remember(chapter: string | null, confidence: number, record: AuditRecord, counted: boolean): void {
    const capacity = this.spec.newest;
    if (capacity === 0) return;
    const words = counted ? (record.words as number) : NaN;
    const unknownWords = counted ? (record.unknownWords as number) : NaN;
    const ring = this.ring;
    if (ring.chapters.length < capacity) {
      ring.chapters.push(chapter);
      ring.confidences.push(confidence);
      ring.words.push(words);
      ring.unknownWords.push(unknownWords);
      return;
    }
    const at = this.ringStart;
    ring.chapters[at] = chapter;
    ring.confidences[at] = confidence;
    ring.words[at] = words;
    ring.unknownWords[at] = unknownWords;
    this.ringStart = (at + 1) % capacity;
  }
}

/**
 * The running aggregates of one part of the audit trail (a local day's file, a day of a store's
 * objects): per model, per stretch between cuts, and per confidence bin; never the records.
 */
export class AuditPart {
  records = 0;
  first: string | undefined;
  last: string | undefined;
  /** Models in the order their first prediction appears. */
  readonly models = new Map<string, ModelPart>();
  /** Models in the order their first served (not shadow) prediction appears. */
  readonly servingOrder: ModelRef[] = [];
  /** The served record of each wanted prediction id; a later one of the same id replaces it. */
  readonly found = new Map<string, LiveRecord>();
  /**
   * Per model (`variant/version`), per stretch between cuts: requests routed to it that it could
   * not answer (the champion answered them, naming it in `fallbackFrom`): its errors.
   */
  readonly fellBack = new Map<string, number[]>();

  constructor(readonly spec: AuditSpec) {}

  add(record: AuditRecord): void {
    this.records++;
    const { time } = record;
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
    const key = modelRefKey(record);
    let model = this.models.get(key);
    if (!model) {
      model = new ModelPart({ variant: record.variant, version: record.version }, this.spec);
      this.models.set(key, model);
    }
    if (!record.shadow && model.served() === 0) this.servingOrder.push(model.ref);
    model.add(record);
    if (record.fallbackFrom && !record.shadow) {
      const from = modelRefKey(record.fallbackFrom);
      const counts = this.fellBack.get(from) ?? [];
      const segment = segmentOf(this.spec.cuts, time);
      counts[segment] = (counts[segment] ?? 0) + 1;
      this.fellBack.set(from, counts);
    }
    if (!record.shadow && this.spec.predictionIds.has(record.predictionId))
      this.found.set(record.predictionId, liveRecordOf(record));
  }
}
