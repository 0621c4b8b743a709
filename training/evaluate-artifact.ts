import type { AbstainLevel, ModelManifest, ScoreSummary } from '../models/manifest';
import { loadNomenclature } from '../models/hs/nomenclature';
import { Bm25Classifier } from '../models/retrieval/bm25';
import type { LabelledRow } from './dataset';
import { MetricsAccumulator, type EvaluationResult } from './evaluate/metrics';
import { renderReport, type ReportSet } from './evaluate/report';
import { fitFusion } from './fusion/fit-fusion-rows';
import type { LinearBaseline } from './linear/linear-baseline';
import { forEachServed, type ServedModel } from './served-model';
import { traderPhrase } from './trader-phrase';

/** One set of rows scored by what is served, by the network alone and by the two baselines. */
export interface ModelEvaluation {
  /** The served predictor (the network fused with retrieval when the model has an index). */
  model: EvaluationResult;
  network: EvaluationResult;
  /** BM25 over the HS nomenclature. */
  baseline: EvaluationResult;
  /** The linear n-gram model, when one was given. */
  linear?: EvaluationResult;
}

export interface EvaluateOptions {
  targetPrecision: number;
  abstainLevel?: AbstainLevel;
  /** The model's review threshold: the results then say what it flags on these rows. */
  reviewThreshold?: number;
  linear?: LinearBaseline;
}

export function headline(result: EvaluationResult): ScoreSummary {
  const { n, top1, top3, top5, macro_f1, ece } = result;
  return { n, top1, top3, top5, macro_f1, ece };
}

/** Scores a served model, its network alone and the baselines on the same rows and label list. */
export async function evaluateRows(
  served: ServedModel,
  rows: readonly LabelledRow[],
  options: EvaluateOptions,
): Promise<ModelEvaluation> {
  const { labels } = served;
  const accumulator = () =>
    new MetricsAccumulator(labels, {
      targetPrecision: options.targetPrecision,
      abstainLevel: options.abstainLevel ?? 'hs2',
      ...(options.reviewThreshold !== undefined && { reviewThreshold: options.reviewThreshold }),
    });
  const model = accumulator();
  const network = accumulator();
  const baseline = accumulator();
  const linear = options.linear ? accumulator() : undefined;
  await forEachServed(
    served,
    rows.map((r) => r.text),
    (probabilities, networkProbabilities, i) => {
      const hs6 = (rows[i] as LabelledRow).hs6;
      model.add(hs6, probabilities);
      network.add(hs6, networkProbabilities);
    },
  );
  const bm25 = new Bm25Classifier(labels);
  for (const row of rows) {
    baseline.add(row.hs6, bm25.probabilities(row.text));
    linear?.add(row.hs6, (options.linear as LinearBaseline).probabilities(row.text));
  }
  return {
    model: model.result(),
    network: network.result(),
    baseline: baseline.result(),
    ...(linear && { linear: linear.result() }),
  };
}

function normalised(counts: Record<string, number>): Record<string, number> {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  return Object.fromEntries(
    Object.entries(counts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, count]) => [key, count / total]),
  );
}

function unknownWordRate(served: ServedModel, rows: readonly LabelledRow[]): number {
  let unknown = 0;
  let words = 0;
  for (const row of rows) {
    const encoded = served.encoder.encode(row.text);
    unknown += encoded.unknownWords;
    words += encoded.words.length;
  }
  return words === 0 ? 0 : unknown / words;
}

function driftBaseline(result: EvaluationResult, unknownWords: number): ModelManifest['driftBaseline'] {
  return {
    n: result.n,
    chapterDistribution: normalised(result.predictedChapters),
    confidenceHistogram: result.reliability.map((bin) => (result.n ? bin.count / result.n : 0)),
    unknownWordRate: unknownWords,
  };
}

export interface HeldOutScores {
  metrics: ModelManifest['metrics'];
  fusion: ModelManifest['fusion'];
  abstain: ModelManifest['abstain'];
  driftBaseline: ModelManifest['driftBaseline'];
  validation: ModelEvaluation;
  renderReport(manifest: ModelManifest): string;
}

/**
 * What training records about a fresh model. The held-out rows come in two halves: on the
 * calibration half the fusion weights (on the rows and their trader phrases) and the review
 * threshold (on the trader phrases: chapter-level precision of the answers not flagged ≥ the
 * target) are chosen; the evaluation half, untouched by any of that, gives the scores of the
 * served predictor beside the network alone, BM25 and the linear baseline, as rows and as trader
 * phrases. The drift baseline live traffic is compared with covers every held-out row.
 */
export async function scoreHeldOut(input: {
  served: ServedModel;
  calibration: readonly LabelledRow[];
  validation: readonly LabelledRow[];
  development: readonly LabelledRow[];
  targetPrecision: number;
  /** Decides which words of a held-out row make its trader phrase. */
  seed: number;
  linear?: LinearBaseline;
}): Promise<HeldOutScores> {
  const { targetPrecision, linear } = input;
  // Users send short phrases, not tariff lines: the fusion learns from both forms of each
  // calibration row, and the review threshold is chosen on the phrases, the harder of the two.
  const seed = input.seed;
  const calibrationPhrases = input.calibration.map((r) => ({ ...r, text: traderPhrase(r.text, seed) }));
  const evaluationPhrases = input.validation.map((r) => ({ ...r, text: traderPhrase(r.text, seed) }));
  const fitted = input.served.lexical
    ? await fitFusion(input.served, [...input.calibration, ...calibrationPhrases])
    : { weights: input.served.fusion, rows: 0 };
  const served: ServedModel = { ...input.served, fusion: fitted.weights };
  const calibration = new MetricsAccumulator(served.labels, { targetPrecision, abstainLevel: 'hs2' });
  // The drift baseline describes what the model answers, not how well: every held-out row counts.
  const heldOutRows = [...calibrationPhrases, ...input.calibration, ...input.validation];
  const heldOut = new MetricsAccumulator(served.labels);
  await forEachServed(
    served,
    heldOutRows.map((r) => r.text),
    (probabilities, _network, i) => {
      const hs6 = (heldOutRows[i] as LabelledRow).hs6;
      if (i < calibrationPhrases.length) calibration.add(hs6, probabilities);
      else heldOut.add(hs6, probabilities);
    },
  );
  const abstain = calibration.thresholdForPrecision(targetPrecision);
  const options = { targetPrecision, linear, reviewThreshold: abstain.threshold };
  const validation = await evaluateRows(served, input.validation, options);
  const phrases = await evaluateRows(served, evaluationPhrases, options);
  const development = input.development.length
    ? await evaluateRows(served, input.development, options)
    : undefined;
  const result = validation.model;
  const chapterNames = Object.fromEntries(
    [...loadNomenclature().chapters.values()].map((c) => [c.code, c.description]),
  );
  const sets: ReportSet[] = [
    { name: `held-out rows (${result.n}, not used to fit anything)`, evaluation: validation },
    { name: `the same held-out rows as 1–3-word trader phrases`, evaluation: phrases },
    ...(development
      ? [{ name: `development set (${development.model.n} rows)`, evaluation: development }]
      : []),
  ];
  return {
    validation,
    fusion: served.lexical ? { ...fitted.weights, fittedOnRows: fitted.rows } : undefined,
    metrics: {
      validation: headline(result),
      network: headline(validation.network),
      baseline: headline(validation.baseline),
      ...(validation.linear && { linearBaseline: headline(validation.linear) }),
      ...(development && {
        development: headline(development.model),
        developmentNetwork: headline(development.network),
        developmentBaseline: headline(development.baseline),
        ...(development.linear && { developmentLinearBaseline: headline(development.linear) }),
      }),
    },
    abstain,
    driftBaseline: driftBaseline(
      heldOut.result(),
      unknownWordRate(served, [...input.calibration, ...input.validation]),
    ),
    renderReport: (manifest) =>
      renderReport({
        variant: manifest.variant,
        modelVersion: manifest.version,
        dataSha256: manifest.data.sha256,
        date: manifest.createdAt,
        dataset: sets[0]?.name,
        model: result,
        baseline: headline(validation.baseline),
        sets,
        review: abstain,
        history: manifest.training.history,
        chapterNames,
      }),
  };
}
