import type { FusionWeights } from '../../models/fusion';
import { TEMPERED_FLOOR } from '../../models/onnx-contract';
import type { LexicalScores } from '../../models/retrieval/lexical-index';

/** What fitting keeps of one held-out row: its few plausible labels and the mass of the rest. */
export interface FusionExample {
  /** Index of the true label, or -1 when the model has no output for it. */
  truth: number;
  candidates: Int32Array;
  logNetwork: Float64Array;
  nomenclature: Float64Array;
  rows: Float64Array;
  /** The network's probabilities of every other label, for the rest of the partition function. */
  rest: Float32Array;
  /** Chapter of each candidate, as a small integer. */
  chapter: Int32Array;
  truthChapter: number;
}

const CANDIDATES_PER_SOURCE = 40;
const FLOOR = TEMPERED_FLOOR;

function topIndices(values: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  return order.slice(0, k).filter((i) => (values[i] as number) > 0);
}

/**
 * Keeps the labels any source ranks among its best (and the true one); the others enter the fit
 * only through the network's probability, where the lexical scores are near zero anyway.
 */
export function fusionExample(
  truth: number,
  network: Float32Array,
  lexical: LexicalScores,
  chapterOfLabel: Int32Array,
): FusionExample {
  const chosen = new Set<number>([
    ...topIndices(network, CANDIDATES_PER_SOURCE),
    ...topIndices(lexical.nomenclature, CANDIDATES_PER_SOURCE),
    ...topIndices(lexical.rows, CANDIDATES_PER_SOURCE),
  ]);
  if (truth >= 0) chosen.add(truth);
  const candidates = Int32Array.from([...chosen].sort((a, b) => a - b));
  const rest = new Float32Array(network.length - candidates.length);
  let r = 0;
  let next = 0;
  for (let c = 0; c < network.length; c++) {
    if (c === candidates[next]) next++;
    else rest[r++] = network[c] as number;
  }
  return {
    truth,
    candidates,
    logNetwork: Float64Array.from(candidates, (c) => Math.log(Math.max(network[c] as number, FLOOR))),
    nomenclature: Float64Array.from(candidates, (c) => lexical.nomenclature[c] as number),
    rows: Float64Array.from(candidates, (c) => lexical.rows[c] as number),
    rest,
    chapter: Int32Array.from(candidates, (c) => chapterOfLabel[c] as number),
    truthChapter: truth >= 0 ? (chapterOfLabel[truth] as number) : -1,
  };
}

/** Σ p^w over the non-candidate labels, for each network weight tried. */
function restMass(example: FusionExample, networkWeight: number): number {
  let sum = 0;
  for (const p of example.rest) sum += Math.pow(Math.max(p, FLOOR), networkWeight);
  return sum;
}

/**
 * Mean negative log-likelihood of the true subheading plus that of its chapter (the chapter's
 * mass is what the review flag reads), under the given weights.
 */
function loss(examples: readonly FusionExample[], weights: FusionWeights, rest: readonly number[]): number {
  let total = 0;
  examples.forEach((example, e) => {
    const n = example.candidates.length;
    const z = new Float64Array(n);
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      z[i] =
        weights.network * (example.logNetwork[i] as number) +
        weights.nomenclature * (example.nomenclature[i] as number) +
        weights.rows * (example.rows[i] as number);
      if ((z[i] as number) > max) max = z[i] as number;
    }
    // The rest of the labels have no lexical score to speak of: exp(network · ln p) = p^network.
    let partition = (rest[e] as number) * Math.exp(-max);
    let truthMass = 0;
    let chapterMass = 0;
    for (let i = 0; i < n; i++) {
      const w = Math.exp((z[i] as number) - max);
      partition += w;
      if (example.candidates[i] === example.truth) truthMass = w;
      if (example.chapter[i] === example.truthChapter) chapterMass += w;
    }
    total -=
      Math.log(Math.max(truthMass / partition, FLOOR)) + Math.log(Math.max(chapterMass / partition, FLOOR));
  });
  return total / Math.max(1, examples.length);
}

const NETWORK_GRID = [0.25, 0.5, 1, 2];
const LEXICAL_GRID = [0, 0.1, 0.2, 0.4, 0.8];

/**
 * The fusion weights with the lowest held-out loss over a grid, then refined coordinate by
 * coordinate. Deterministic: the grid and the order of the search are fixed, ties keep the first.
 */
export function fitFusionWeights(examples: readonly FusionExample[]): {
  weights: FusionWeights;
  loss: number;
} {
  const restCache = new Map<number, number[]>();
  const restFor = (networkWeight: number) => {
    let cached = restCache.get(networkWeight);
    if (!cached) {
      cached = examples.map((e) => restMass(e, networkWeight));
      restCache.set(networkWeight, cached);
    }
    return cached;
  };
  let best = { weights: { network: 1, nomenclature: 0, rows: 0 }, loss: Infinity };
  const consider = (weights: FusionWeights) => {
    if (weights.network <= 0 || weights.nomenclature < 0 || weights.rows < 0) return;
    const value = loss(examples, weights, restFor(weights.network));
    if (value < best.loss - 1e-12) best = { weights, loss: value };
  };
  for (const network of NETWORK_GRID)
    for (const nomenclature of LEXICAL_GRID)
      for (const rows of LEXICAL_GRID) consider({ network, nomenclature, rows });
  for (let step = 0.1; step >= 0.0125; step /= 2) {
    const around = best.weights;
    for (const key of ['network', 'nomenclature', 'rows'] as const) {
      for (const sign of [-1, 1])
        consider({ ...around, [key]: Number((around[key] + sign * step).toFixed(6)) });
    }
  }
  return best;
}
