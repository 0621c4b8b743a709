import type { SparseVector } from './ngram-features';

/**
 * A multiclass linear classifier over sparse unit vectors: each label's weight vector is the
 * normalised sum of its training vectors (Rocchio's centroid), and a text scores each label by
 * cosine. One pass over the data, no hyper-parameters, deterministic; stored per feature, so
 * scoring touches only the labels that share an n-gram with the text.
 */
export class NearestCentroid {
  private constructor(
    readonly labelCount: number,
    private readonly labelsOfFeature: Map<number, { labels: Int32Array; weights: Float32Array }>,
  ) {}

  static train(examples: readonly SparseVector[], labels: Int32Array, labelCount: number): NearestCentroid {
    const sums: Array<Map<number, number>> = Array.from({ length: labelCount }, () => new Map());
    examples.forEach((x, i) => {
      const sum = sums[labels[i] as number] as Map<number, number>;
      for (let f = 0; f < x.ids.length; f++) {
        const id = x.ids[f] as number;
        sum.set(id, (sum.get(id) ?? 0) + (x.values[f] as number));
      }
    });
    const collected = new Map<number, { labels: number[]; weights: number[] }>();
    sums.forEach((sum, label) => {
      let norm = 0;
      for (const v of sum.values()) norm += v * v;
      norm = Math.sqrt(norm) || 1;
      for (const id of [...sum.keys()].sort((a, b) => a - b)) {
        const list = collected.get(id) ?? { labels: [], weights: [] };
        list.labels.push(label);
        list.weights.push((sum.get(id) as number) / norm);
        collected.set(id, list);
      }
    });
    const labelsOfFeature = new Map(
      [...collected].map(([id, list]) => [
        id,
        { labels: Int32Array.from(list.labels), weights: Float32Array.from(list.weights) },
      ]),
    );
    return new NearestCentroid(labelCount, labelsOfFeature);
  }

  /** Cosine of the text with every label's centroid, in label order. */
  scores(x: SparseVector, out = new Float64Array(this.labelCount)): Float64Array {
    out.fill(0);
    for (let f = 0; f < x.ids.length; f++) {
      const entry = this.labelsOfFeature.get(x.ids[f] as number);
      if (!entry) continue;
      const value = x.values[f] as number;
      for (let i = 0; i < entry.labels.length; i++) {
        const label = entry.labels[i] as number;
        out[label] = (out[label] as number) + value * (entry.weights[i] as number);
      }
    }
    return out;
  }
}
