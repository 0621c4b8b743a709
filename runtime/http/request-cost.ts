import { DEFAULT_TOP_K, type PredictRequest } from '../core/predict-request';

/**
 * What a prediction request costs, in characters the model reads: each description once, and
 * with `explain` once more per distinct word (occlusion scores the text again without each word,
 * so an explanation grows with length × words), plus a small charge per returned candidate for
 * the answer's size. Measured in bench/abuse.ts: the model's time follows this count.
 */
export const COST_PER_CANDIDATE = 10;

/** The largest request without `explain` that the size limits allow fits, with room to spare. */
export const DEFAULT_MAX_REQUEST_COST = 320_000;

const distinctWords = (text: string) => new Set(text.toLowerCase().split(/\s+/).filter(Boolean)).size;

/**
 * The cost, counted until it passes `limit`: then it stops, and what it returns is a lower bound.
 * Refusing a request must not cost what serving it would (counting the distinct words of 256
 * descriptions of 1,000 characters took 2.3 ms, three times parsing and validating them).
 */
export function requestCost(
  request: Pick<PredictRequest, 'descriptions' | 'topK' | 'explain'>,
  limit = Number.POSITIVE_INFINITY,
): number {
  let cost = request.descriptions.length * (request.topK ?? DEFAULT_TOP_K) * COST_PER_CANDIDATE;
  for (const text of request.descriptions) {
    if (cost > limit) break;
    cost += text.length * (request.explain ? 1 + distinctWords(text) : 1);
  }
  return cost;
}

/** The sentence a refused request gets: its cost (at least), the limit, and what to change. */
export function costMessage(cost: number, limit: number): string {
  return (
    `this request costs at least ${cost} units and the limit is ${limit} per request ` +
    `(units: characters of each description, times 1 + its distinct words with "explain", ` +
    `plus ${COST_PER_CANDIDATE} per returned candidate): send fewer or shorter descriptions, ` +
    `a smaller "topK", or explain only a few descriptions per request`
  );
}
