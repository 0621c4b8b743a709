import type { DescriptionEncoder } from '../models/encoder';
import { loadNomenclature } from '../models/hs/nomenclature';
import type { ModelManifest, ScoreSummary } from '../models/manifest';
import type { LabelledRow } from './dataset';
import { Bm25Classifier } from './evaluate/bm25';
import { MetricsAccumulator, type EvaluationResult } from './evaluate/metrics';
import { renderReport } from './evaluate/report';
import { OnnxScorer } from './onnx-scorer';

export interface ModelEvaluation {
  model: EvaluationResult;
  baseline: EvaluationResult;
}

export function headline(result: EvaluationResult): ScoreSummary {
  const { n, top1, top3, top5, macro_f1, ece } = result;
  return { n, top1, top3, top5, macro_f1, ece };
}

/** Scores an ONNX model and the BM25 baseline on the same rows, over the model's label list. */
export async function evaluateRows(
  onnx: Uint8Array,
  encoder: DescriptionEncoder,
  labels: readonly string[],
  rows: readonly LabelledRow[],
  targetPrecision: number,
): Promise<ModelEvaluation> {
  const model = new MetricsAccumulator(labels, { targetPrecision });
  const baseline = new MetricsAccumulator(labels, { targetPrecision });
  const scorer = await OnnxScorer.load(onnx, encoder, labels.length);
  try {
    await scorer.forEach(
      rows.map((r) => r.text),
      (probs, i) => model.add((rows[i] as LabelledRow).hs6, probs),
    );
  } finally {
    await scorer.release();
  }
  const bm25 = new Bm25Classifier(labels);
  for (const row of rows) baseline.add(row.hs6, bm25.probabilities(row.text));
  return { model: model.result(), baseline: baseline.result() };
}

function normalised(counts: Record<string, number>): Record<string, number> {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  return Object.fromEntries(
    Object.entries(counts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, count]) => [key, count / total]),
  );
}

function unknownWordRate(encoder: DescriptionEncoder, rows: readonly LabelledRow[]): number {
  let unknown = 0;
  let words = 0;
  for (const row of rows) {
    const encoded = encoder.encode(row.text);
    unknown += encoded.unknownWords;
    words += encoded.words.length;
  }
  return words === 0 ? 0 : unknown / words;
}

export interface HeldOutScores {
  metrics: ModelManifest['metrics'];
  abstain: ModelManifest['abstain'];
  driftBaseline: ModelManifest['driftBaseline'];
  validation: ModelEvaluation;
  renderReport(manifest: ModelManifest): string;
}

/**
 * What training records about a fresh model: held-out and development scores beside BM25, the
 * abstain threshold that meets the target precision on held-out rows, and the drift baseline
 * (predicted-chapter mix, confidence histogram, unknown-word rate) live traffic is compared with.
 */
export async function scoreHeldOut(input: {
  onnx: Uint8Array;
  encoder: DescriptionEncoder;
  labels: readonly string[];
  validation: readonly LabelledRow[];
  development: readonly LabelledRow[];
  targetPrecision: number;
}): Promise<HeldOutScores> {
  const { onnx, encoder, labels, targetPrecision } = input;
  const validation = await evaluateRows(onnx, encoder, labels, input.validation, targetPrecision);
  const development = input.development.length
    ? await evaluateRows(onnx, encoder, labels, input.development, targetPrecision)
    : undefined;
  const result = validation.model;
  const chapterNames = Object.fromEntries(
    [...loadNomenclature().chapters.values()].map((c) => [c.code, c.description]),
  );
  return {
    validation,
    metrics: {
      validation: headline(result),
      baseline: headline(validation.baseline),
      ...(development && {
        development: headline(development.model),
        developmentBaseline: headline(development.baseline),
      }),
    },
    abstain: result.abstain,
    driftBaseline: {
      n: result.n,
      chapterDistribution: normalised(result.predictedChapters),
      confidenceHistogram: result.reliability.map((bin) => (result.n ? bin.count / result.n : 0)),
      unknownWordRate: unknownWordRate(encoder, input.validation),
    },
    renderReport: (manifest) =>
      renderReport({
        variant: manifest.variant,
        modelVersion: manifest.version,
        dataSha256: manifest.data.sha256,
        date: manifest.createdAt,
        dataset: `held-out split (${result.n} rows)`,
        model: result,
        baseline: headline(validation.baseline),
        history: manifest.training.history,
        chapterNames,
      }),
  };
}
