import { TEMPERED_FLOOR } from './onnx-contract';
import type { LexicalHits, LexicalScores } from './retrieval/lexical-index';

/**
 * How the served predictor weighs its three sources of evidence. Fused score of label c:
 * network · ln p(c) + nomenclature · BM25(nomenclature, c) + rows · BM25(rows, c), then a
 * softmax. The weights are learned on held-out rows (they also set the temperature, so the fused
 * probabilities are calibrated) and stored in the manifest.
 */
export interface FusionWeights {
  network: number;
  nomenclature: number;
  rows: number;
}

/** The network alone: what a model without a lexical index serves. */
export const NETWORK_ONLY: FusionWeights = { network: 1, nomenclature: 0, rows: 0 };

const FLOOR = TEMPERED_FLOOR;

/** softmax(logits) into `out`; `logits` is overwritten. */
function softmaxInto(logits: Float64Array, n: number, max: number, out: Float32Array): Float32Array {
  let total = 0;
  for (let c = 0; c < n; c++) {
    const w = Math.exp((logits[c] as number) - max);
    logits[c] = w;
    total += w;
  }
  for (let c = 0; c < n; c++) out[c] = (logits[c] as number) / total;
  return out;
}

/** Fused probabilities over the labels, in label order; `out` may be the network's own buffer. */
export function fuse(
  network: ArrayLike<number>,
  lexical: LexicalScores | undefined,
  weights: FusionWeights,
  out: Float32Array = new Float32Array(network.length),
): Float32Array {
  const n = network.length;
  const logits = new Float64Array(n);
  let max = -Infinity;
  for (let c = 0; c < n; c++) {
    let z = weights.network * Math.log(Math.max(network[c] as number, FLOOR));
    if (lexical) {
      z +=
        weights.nomenclature * (lexical.nomenclature[c] as number) +
        weights.rows * (lexical.rows[c] as number);
    }
    logits[c] = z;
    if (z > max) max = z;
  }
  return softmaxInto(logits, n, max, out);
}

/**
 * `fuse` for serving: the lexical evidence as the labels a text touched (`LexicalHits`), and
 * one scratch buffer reused across calls. Every label's logit is computed by the same operations
 * as `fuse` (a label without hits adds nothing, as `fuse` adds 0 + 0), so both give the same
 * bits.
 */
export class Fuser {
  private readonly logits: Float64Array;

  constructor(
    private readonly labelCount: number,
    private readonly weights: FusionWeights,
  ) {
    this.logits = new Float64Array(labelCount);
  }

  fuse(network: ArrayLike<number>, hits: LexicalHits, out: Float32Array): Float32Array {
    const { logits, labelCount: n, weights } = this;
    if (network.length !== n) throw new RangeError(`${network.length} probabilities for ${n} labels`);
    const w = weights.network;
    for (let c = 0; c < n; c++) logits[c] = w * Math.log(Math.max(network[c] as number, FLOOR));
    const { labels, nomenclature, rows } = hits;
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i] as number;
      logits[c] =
        (logits[c] as number) +
        (weights.nomenclature * (nomenclature[i] as number) + weights.rows * (rows[i] as number));
    }
    let max = -Infinity;
    for (let c = 0; c < n; c++) if ((logits[c] as number) > max) max = logits[c] as number;
    return softmaxInto(logits, n, max, out);
  }
}

/** The network's tempered share of the fused score: softmax of w · ln max(p, floor), fused with nothing. */
export function temperedShare(probabilities: ArrayLike<number>, weight: number): Float32Array {
  return fuse(probabilities, undefined, { network: weight, nomenclature: 0, rows: 0 });
}

/**
 * Whether `tempered` is the tempered share of `probabilities` for this network weight, up to
 * rounding (total variation below 1e-3): the check that a model's graph was exported
 * for the weight its manifest records.
 */
export function isTemperedFor(
  probabilities: ArrayLike<number>,
  tempered: ArrayLike<number>,
  weight: number,
): boolean {
  if (probabilities.length !== tempered.length) return false;
  const expected = temperedShare(probabilities, weight);
  let distance = 0;
  for (let c = 0; c < expected.length; c++)
    distance += Math.abs((tempered[c] as number) - (expected[c] as number));
  return distance / 2 < 1e-3;
}

/**
 * Σ values, in four running sums: a single sum waits on each addition in turn, which over 5,612
 * labels was a quarter of a description's fusion.
 */
function sumOf(values: ArrayLike<number>): number {
  const n = values.length;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a += values[i] as number;
    b += values[i + 1] as number;
    c += values[i + 2] as number;
    d += values[i + 3] as number;
  }
  for (; i < n; i++) a += values[i] as number;
  return a + b + c + d;
}

/**
 * `Fuser` for a network that also returns its tempered share of the fused score (the ONNX output
 * `tempered_probabilities`, q_c ∝ max(p_c, floor)^w). The fused probability of label c is
 * q_c · e^{lexical_c} / S with S = Σ q + Σ over the labels the text hit of q_c · (e^{lexical_c} − 1):
 * the distribution `Fuser` computes, with one exp per hit instead of a log and an exp per label.
 * Everything is scaled by e^{−m}, m the largest lexical term of a label with q > 0, so a text
 * that matches a nomenclature entry word for word (a lexical score in the hundreds) neither
 * overflows nor loses the others.
 */
export class TemperedFuser {
  private readonly boosted: Float64Array;

  constructor(
    private readonly labelCount: number,
    private readonly weights: FusionWeights,
  ) {
    this.boosted = new Float64Array(labelCount);
  }

  fuse(tempered: ArrayLike<number>, hits: LexicalHits, out: Float32Array): Float32Array {
    const n = this.labelCount;
    if (tempered.length !== n) throw new RangeError(`${tempered.length} probabilities for ${n} labels`);
    const { nomenclature: wn, rows: wr } = this.weights;
    const { labels, nomenclature, rows } = hits;
    const boosted = this.boosted;
    // A hit whose q is 0 (float32 underflow at a large network weight) weighs nothing: it must
    // not set the scale, or a huge lexical score there would scale every other label to 0.
    let m = 0;
    for (let i = 0; i < labels.length; i++) {
      const lexical = wn * (nomenclature[i] as number) + wr * (rows[i] as number);
      boosted[i] = lexical;
      if (lexical > m && (tempered[labels[i] as number] as number) > 0) m = lexical;
    }
    const scale = Math.exp(-m);
    let total = sumOf(tempered) * scale;
    for (let i = 0; i < labels.length; i++) {
      const q = tempered[labels[i] as number] as number;
      boosted[i] = q > 0 ? q * Math.exp((boosted[i] as number) - m) : 0;
      total += (boosted[i] as number) - q * scale;
    }
    const perLabel = scale / total;
    for (let c = 0; c < n; c++) out[c] = (tempered[c] as number) * perLabel;
    for (let i = 0; i < labels.length; i++) out[labels[i] as number] = (boosted[i] as number) / total;
    return out;
  }
}

/**
 * The confidence the review flag is decided on: the probability of the top candidate's chapter
 * (the sum over its subheadings). An answer whose chapter is sure but whose subheading is split
 * between siblings is still a useful answer; one whose chapter is in doubt is not.
 */
export class ChapterConfidence {
  /** Per chapter, the indices of its labels: the sum reads one chapter, not every label. */
  private readonly labelsOfChapter: Int32Array[];
  private readonly chapterOfLabel: Int32Array;

  constructor(labels: readonly string[]) {
    const members = new Map<string, number[]>();
    labels.forEach((label, i) => {
      const chapter = label.slice(0, 2);
      const list = members.get(chapter) ?? [];
      list.push(i);
      members.set(chapter, list);
    });
    this.labelsOfChapter = [...members.values()].map((list) => Int32Array.from(list));
    this.chapterOfLabel = new Int32Array(labels.length);
    this.labelsOfChapter.forEach((list, chapter) => list.forEach((i) => (this.chapterOfLabel[i] = chapter)));
  }

  /** `top`: the index of the largest probability when the caller already has it (its top-k). */
  of(probabilities: ArrayLike<number>, top = argmax(probabilities)): number {
    const members = this.labelsOfChapter[this.chapterOfLabel[top] as number] as Int32Array;
    let sum = 0;
    for (let i = 0; i < members.length; i++) sum += probabilities[members[i] as number] as number;
    return sum;
  }
}

/** The index of the largest value (the first of equals). */
function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) if ((values[c] as number) > (values[best] as number)) best = c;
  return best;
}
