import type { DataFileFormat } from '../../models/data-files/layout';
import type { PredictionResult } from '../core/predict-service';
import type { BatchInputProblem } from './batch-input-error';
import type { BatchRejectReason } from './batch-items';

/** What a batch run did, for people and for the `<name>.summary.json` beside its outputs. */
export interface BatchSummary {
  /** The input's name or key. */
  input: string;
  format?: DataFileFormat;
  /** Column names as written in the input; absent for a one-column file without a header. */
  columns?: { description?: string; id?: string };
  topK: number;
  rows: { read: number; predicted: number; rejected: number; needsReview: number };
  rejectedByReason: Partial<Record<BatchRejectReason, number>>;
  /** Every model that answered, with how many rows each (A/B routing may use several). */
  models: Array<{ variant: string; version: string; rows: number }>;
  /** Chapters of the top candidates, most frequent first. */
  topChapters: Array<{ chapter: string; description: string; rows: number }>;
  startedAt: string;
  seconds: number;
  /** Set when the input could not be read at all: nothing was predicted. */
  error?: { problem: BatchInputProblem; message: string };
  /** Where the outputs went (set by whoever stored them). */
  outputs?: { predictions?: string; rejects?: string; summary: string };
}

const TOP_CHAPTERS = 10;

/** Counts a batch run as it goes; memory grows with models and chapters, never with rows. */
export class BatchTally {
  private readonly started = Date.now();
  private read = 0;
  private predicted = 0;
  private rejected = 0;
  private needsReview = 0;
  private readonly reasons = new Map<BatchRejectReason, number>();
  private readonly models = new Map<string, { variant: string; version: string; rows: number }>();
  private readonly chapters = new Map<string, { chapter: string; description: string; rows: number }>();

  constructor(
    private readonly input: string,
    private readonly topK: number,
  ) {}

  rejectedRow(reason: BatchRejectReason): void {
    this.read++;
    this.rejected++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  predictedRow(result: PredictionResult): void {
    this.read++;
    this.predicted++;
    if (result.needsReview) this.needsReview++;
    const modelKey = `${result.variant}/${result.modelVersion}`;
    const model = this.models.get(modelKey);
    if (model) model.rows++;
    else this.models.set(modelKey, { variant: result.variant, version: result.modelVersion, rows: 1 });
    const top = result.candidates[0];
    if (!top) return;
    const chapter = this.chapters.get(top.hs2);
    if (chapter) chapter.rows++;
    else this.chapters.set(top.hs2, { chapter: top.hs2, description: top.chapterDescription, rows: 1 });
  }

  get rejectedCount(): number {
    return this.rejected;
  }

  summary(extra: Pick<BatchSummary, 'format' | 'columns' | 'error'> = {}): BatchSummary {
    const byRows = <T extends { rows: number }>(a: T, b: T) => b.rows - a.rows;
    return {
      input: this.input,
      ...extra,
      topK: this.topK,
      rows: {
        read: this.read,
        predicted: this.predicted,
        rejected: this.rejected,
        needsReview: this.needsReview,
      },
      rejectedByReason: Object.fromEntries(this.reasons),
      models: [...this.models.values()].sort(byRows),
      topChapters: [...this.chapters.values()]
        .sort((a, b) => byRows(a, b) || a.chapter.localeCompare(b.chapter))
        .slice(0, TOP_CHAPTERS),
      startedAt: new Date(this.started).toISOString(),
      seconds: (Date.now() - this.started) / 1000,
    };
  }
}
