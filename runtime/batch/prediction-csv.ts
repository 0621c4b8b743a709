import type { PredictionResult } from '../core/predict-service';
import { csvRecord } from './csv-cells';
import type { BatchRow } from './batch-items';

/** The predictions file's header: line, id (when the input has one), description, k candidates, then the model. */
export function predictionHeader(topK: number, withId: boolean): string {
  const candidates = Array.from({ length: topK }, (_, i) => [`hs6_${i + 1}`, `probability_${i + 1}`]).flat();
  return csvRecord([
    'line',
    ...(withId ? ['id'] : []),
    'description',
    ...candidates,
    'needs_review',
    'model_variant',
    'model_version',
    'prediction_id',
  ]);
}

/** One predicted row; a model with fewer labels than k leaves the last candidate cells empty. */
export function predictionRecord(
  row: BatchRow,
  result: PredictionResult,
  topK: number,
  withId: boolean,
): string {
  const candidates: string[] = [];
  for (let i = 0; i < topK; i++) {
    const candidate = result.candidates[i];
    candidates.push(candidate?.hs6 ?? '', candidate ? candidate.probability.toFixed(4) : '');
  }
  return csvRecord([
    String(row.line),
    ...(withId ? [row.id ?? ''] : []),
    row.description,
    ...candidates,
    String(result.needsReview),
    result.variant,
    result.modelVersion,
    result.predictionId,
  ]);
}
