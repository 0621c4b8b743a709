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

/**
 * `Fuser` for a network that also returns its tempered share of the fused score (the ONNX output
 * `tempered_probabilities`, q_c ∝ max(p_c, floor)^w). The fused probability of label c is
 * q_c · e^{lexical_c} / S with S = 1 + Σ over the labels the text hit of q_c · (e^{lexical_c} − 1):
 * the same distribution `Fuser` computes, with an exp per hit instead of a log and an exp per label.
 */
export class TemperedFuser {
  constructor(
    private readonly labelCount: number,
    private readonly weights: FusionWeights,
  ) {}

  fuse(tempered: ArrayLike<number>, hits: LexicalHits, out: Float32Array): Float32Array {
    const n = this.labelCount;
    if (tempered.length !== n) throw new RangeError(`${tempered.length} probabilities for ${n} labels`);
    const { nomenclature: wn, rows: wr } = this.weights;
    // Summed rather than taken as 1: float32 rounding leaves the softmax a little off.
    let total = 0;
    for (let c = 0; c < n; c++) {
      const q = tempered[c] as number;
      out[c] = q;
      total += q;
    }
    const { labels, nomenclature, rows } = hits;
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i] as number;
      const q = tempered[c] as number;
      const boosted = q * Math.exp(wn * (nomenclature[i] as number) + wr * (rows[i] as number));
      out[c] = boosted;
      total += boosted - q;
    }
    for (let c = 0; c < n; c++) out[c] = (out[c] as number) / total;
    return out;
  }
}

/**
 * The confidence the review flag is decided on: the probability of the top candidate's chapter
 * (the sum over its subheadings). An answer whose chapter is sure but whose subheading is split
 * between siblings is still a useful answer; one whose chapter is in doubt is not.
 */
export class ChapterConfidence {
  private readonly chapterOfLabel: Int32Array;

  constructor(labels: readonly string[]) {
    const chapters = new Map<string, number>();
    this.chapterOfLabel = Int32Array.from(labels, (label) => {
      const chapter = label.slice(0, 2);
      if (!chapters.has(chapter)) chapters.set(chapter, chapters.size);
      return chapters.get(chapter) as number;
    });
  }

  of(probabilities: ArrayLike<number>): number {
    let best = 0;
    for (let c = 1; c < probabilities.length; c++) {
      if ((probabilities[c] as number) > (probabilities[best] as number)) best = c;
    }
    const chapter = this.chapterOfLabel[best] as number;
    let sum = 0;
    for (let c = 0; c < probabilities.length; c++) {
      if (this.chapterOfLabel[c] === chapter) sum += probabilities[c] as number;
    }
    return sum;
  }
}
