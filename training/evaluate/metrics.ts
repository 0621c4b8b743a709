/** Accuracy at the three levels of the nomenclature, as fractions 0..1. */
export interface LevelScores {
  hs2: number;
  hs4: number;
  hs6: number;
}

/** One bin of the reliability diagram: mean top-1 confidence against hs6 top-1 accuracy. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's predictions (0 when the bin is empty). */
  confidence: number;
  /** Share of the bin's predictions that are right (0 when the bin is empty). */
  accuracy: number;
}

/** Accepting every prediction whose confidence is ≥ threshold covers `coverage` of the data at `accuracy`. */
export interface CoveragePoint {
  coverage: number;
  accuracy: number;
  threshold: number;
}

/** The abstain rule the manifest stores: below `threshold`, a prediction needs human review. */
export interface AbstainThreshold {
  targetPrecision: number;
  threshold: number;
  coverage: number;
  precision: number;
  level: 'hs2' | 'hs6';
  /** Examples the threshold was chosen on. */
  rows: number;
}

export interface ChapterAccuracy {
  chapter: string;
  n: number;
  correct: number;
  /** hs6 top-1 accuracy of the examples whose true code is in this chapter. */
  accuracy: number;
}

export interface EvaluationResult {
  /** Every example added, including those whose true code is not in the label list. */
  n: number;
  /** Examples whose true hs6 is not among the classifier's labels (always wrong at hs6). */
  unknownLabels: number;
  top1: LevelScores;
  top3: LevelScores;
  top5: LevelScores;
  macro_f1: number;
  ece: number;
  reliability: ReliabilityBin[];
  coverage: CoveragePoint[];
  abstain: AbstainThreshold;
  perChapter: ChapterAccuracy[];
  /** How many top-1 predictions fell in each chapter: the drift baseline's distribution. */
  predictedChapters: Record<string, number>;
  /** What the given review threshold (MetricsOptions.reviewThreshold) accepts on these rows. */
  review?: { threshold: number; coverage: number; precision: number; accepted: number };
}

export interface MetricsOptions {
  /** Precision the abstain threshold must reach at `abstainLevel`; 0.9 unless told. */
  targetPrecision?: number;
  /**
   * hs6 (default): confidence is the top candidate's probability and an answer is right when its
   * subheading is. hs2: confidence is the mass of the top candidate's chapter and an answer is
   * right when its chapter is (what the served review flag uses, see models/fusion.ts).
   */
  abstainLevel?: 'hs2' | 'hs6';
  /** A review threshold chosen elsewhere, whose coverage and precision here `result().review` reports. */
  reviewThreshold?: number;
  /** Equal-width confidence bins for ECE and the reliability diagram; 15 unless told. */
  bins?: number;
}

const DEPTHS = [1, 3, 5] as const;
type Level = keyof LevelScores;

/** Labels grouped by a code prefix: which group each label belongs to, and each group's prefix. */
interface PrefixGroups {
  groupOfLabel: Int32Array;
  indexOfPrefix: Map<string, number>;
  sums: Float64Array;
}

function groupByPrefix(labels: readonly string[], length: number): PrefixGroups {
  const indexOfPrefix = new Map<string, number>();
  const groupOfLabel = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    const prefix = label.slice(0, length);
    let group = indexOfPrefix.get(prefix);
    if (group === undefined) {
      group = indexOfPrefix.size;
      indexOfPrefix.set(prefix, group);
    }
    groupOfLabel[i] = group;
  });
  return { groupOfLabel, indexOfPrefix, sums: new Float64Array(indexOfPrefix.size) };
}

/**
 * Position of `target` when values are sorted by value descending, ties broken by index
 * ascending: the same order every top-k list of this module uses, so results are deterministic
 * and a tie never counts as a hit for more than k classes.
 */
function rankOf(values: ArrayLike<number>, target: number): number {
  const own = values[target] as number;
  let rank = 0;
  for (let j = 0; j < values.length; j++) {
    const v = values[j] as number;
    if (v > own || (v === own && j < target)) rank++;
  }
  return rank;
}

function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) if ((values[j] as number) > (values[best] as number)) best = j;
  return best;
}

const ratio = (numerator: number, denominator: number): number =>
  denominator === 0 ? 0 : numerator / denominator;

/**
 * Streams (true code, probability vector) pairs and keeps only a few numbers per example
 * (top-1 confidence, whether it was right, the predicted label), so 20k examples over 5.6k
 * classes never need 20k vectors in memory. `add` accepts a `subarray` of a batch output.
 */
export class MetricsAccumulator {
  private readonly labelIndex: Map<string, number>;
  private readonly hs4: PrefixGroups;
  private readonly hs2: PrefixGroups;
  private readonly hits: Record<Level, number[]> = { hs2: [0, 0, 0], hs4: [0, 0, 0], hs6: [0, 0, 0] };
  private readonly confidences: number[] = [];
  private readonly correct: boolean[] = [];
  /** Confidence and rightness at the abstain level, which the threshold and coverage curve read. */
  private readonly reviewConfidences: number[] = [];
  private readonly reviewCorrect: boolean[] = [];
  private readonly abstainLevel: 'hs2' | 'hs6';
  private readonly reviewThreshold: number | undefined;
  private readonly trueCounts = new Map<string, number>();
  private readonly predictedCounts = new Map<string, number>();
  private readonly truePositives = new Map<string, number>();
  private readonly chapters = new Map<string, { n: number; correct: number }>();
  private readonly predictedChapters = new Map<string, number>();
  private unknownLabels = 0;
  private readonly targetPrecision: number;
  private readonly binCount: number;

  constructor(
    private readonly labels: readonly string[],
    options: MetricsOptions = {},
  ) {
    if (labels.length === 0) throw new Error('metrics need at least one label');
    this.labelIndex = new Map(labels.map((label, i) => [label, i]));
    if (this.labelIndex.size !== labels.length) throw new Error('the label list has duplicates');
    this.hs4 = groupByPrefix(labels, 4);
    this.hs2 = groupByPrefix(labels, 2);
    this.targetPrecision = options.targetPrecision ?? 0.9;
    this.abstainLevel = options.abstainLevel ?? 'hs6';
    this.reviewThreshold = options.reviewThreshold;
    this.binCount = options.bins ?? 15;
  }

  add(trueHs6: string, probs: ArrayLike<number>): void {
    if (probs.length !== this.labels.length) {
      throw new Error(`expected ${this.labels.length} probabilities, got ${probs.length}`);
    }
    const predicted = argMax(probs);
    const predictedHs6 = this.labels[predicted] as string;
    const trueIndex = this.labelIndex.get(trueHs6);
    if (trueIndex === undefined) this.unknownLabels++;
    this.countHits('hs6', trueIndex === undefined ? undefined : rankOf(probs, trueIndex));
    // Chapter and heading scores aggregate by prefix: a heading's probability is the sum of the
    // probabilities of its subheadings (a chapter's likewise), and top-k is taken over those
    // sums. A model spreading mass over three subheadings of the right heading is right at
    // heading level even if no single subheading wins. An unknown hs6 whose heading or chapter
    // is among the labels' prefixes is still scored at those levels.
    this.countHits('hs4', this.prefixRank(this.hs4, probs, trueHs6.slice(0, 4)));
    this.countHits('hs2', this.prefixRank(this.hs2, probs, trueHs6.slice(0, 2)));

    const isCorrect = predicted === trueIndex;
    this.confidences.push(probs[predicted] as number);
    this.correct.push(isCorrect);
    if (this.abstainLevel === 'hs2') {
      // prefixRank has just summed the chapters: the top candidate's chapter mass is among them.
      this.reviewConfidences.push(this.hs2.sums[this.hs2.groupOfLabel[predicted] as number] as number);
      this.reviewCorrect.push(predictedHs6.slice(0, 2) === trueHs6.slice(0, 2));
    } else {
      this.reviewConfidences.push(probs[predicted] as number);
      this.reviewCorrect.push(isCorrect);
    }
    increment(this.trueCounts, trueHs6);
    increment(this.predictedCounts, predictedHs6);
    if (isCorrect) increment(this.truePositives, trueHs6);
    increment(this.predictedChapters, predictedHs6.slice(0, 2));
    const chapter = this.chapters.get(trueHs6.slice(0, 2)) ?? { n: 0, correct: 0 };
    chapter.n++;
    if (isCorrect) chapter.correct++;
    this.chapters.set(trueHs6.slice(0, 2), chapter);
  }

  /** What a given threshold accepts here: the share of answers not flagged, and how many are right. */
  acceptedAt(threshold: number): { coverage: number; precision: number; accepted: number } {
    let accepted = 0;
    let right = 0;
    this.reviewConfidences.forEach((confidence, i) => {
      if (confidence < threshold) return;
      accepted++;
      if (this.reviewCorrect[i]) right++;
    });
    return {
      coverage: ratio(accepted, this.reviewConfidences.length),
      precision: ratio(right, accepted),
      accepted,
    };
  }

  /**
   * The smallest confidence threshold whose accepted predictions (confidence ≥ threshold) reach
   * `target` top-1 accuracy at the abstain level — the largest coverage meeting the target. When no threshold
   * reaches it, the threshold is 1 and coverage/precision describe what a threshold of 1 accepts.
   */
  thresholdForPrecision(target: number): AbstainThreshold {
    const { ends, thresholds, cumulativeCorrect } = this.confidenceGroups();
    const n = this.confidences.length;
    let chosen: AbstainThreshold | undefined;
    ends.forEach((end, g) => {
      const precision = (cumulativeCorrect[g] as number) / end;
      // The epsilon keeps 9 right out of 10 at a 0.9 target from failing on float rounding.
      if (precision >= target - 1e-12) {
        chosen = {
          targetPrecision: target,
          threshold: thresholds[g] as number,
          coverage: end / n,
          precision,
          level: this.abstainLevel,
          rows: n,
        };
      }
    });
    if (chosen) return chosen;
    const accepted = this.reviewConfidences.filter((c) => c >= 1).length;
    const acceptedCorrect = this.reviewConfidences.filter((c, i) => c >= 1 && this.reviewCorrect[i]).length;
    return {
      targetPrecision: target,
      threshold: 1,
      coverage: ratio(accepted, n),
      precision: ratio(acceptedCorrect, accepted),
      level: this.abstainLevel,
      rows: n,
    };
  }

  result(): EvaluationResult {
    const n = this.confidences.length;
    const levels = (depth: number): LevelScores => ({
      hs2: ratio(this.hits.hs2[depth] as number, n),
      hs4: ratio(this.hits.hs4[depth] as number, n),
      hs6: ratio(this.hits.hs6[depth] as number, n),
    });
    const reliability = this.reliability();
    return {
      n,
      unknownLabels: this.unknownLabels,
      top1: levels(0),
      top3: levels(1),
      top5: levels(2),
      macro_f1: this.macroF1(),
      // ECE = Σ over bins (bin count / n) · |bin accuracy − bin mean confidence|.
      ece: reliability.reduce(
        (sum, bin) => sum + ratio(bin.count, n) * Math.abs(bin.accuracy - bin.confidence),
        0,
      ),
      reliability,
      coverage: this.coverageCurve(),
      abstain: this.thresholdForPrecision(this.targetPrecision),
      perChapter: [...this.chapters.keys()].sort().map((chapter) => {
        const { n: count, correct } = this.chapters.get(chapter) as { n: number; correct: number };
        return { chapter, n: count, correct, accuracy: correct / count };
      }),
      predictedChapters: Object.fromEntries([...this.predictedChapters.entries()].sort()),
      ...(this.reviewThreshold !== undefined && {
        review: { threshold: this.reviewThreshold, ...this.acceptedAt(this.reviewThreshold) },
      }),
    };
  }

  private prefixRank(groups: PrefixGroups, probs: ArrayLike<number>, truePrefix: string): number | undefined {
    const { sums, groupOfLabel } = groups;
    sums.fill(0);
    for (let j = 0; j < probs.length; j++) {
      const group = groupOfLabel[j] as number;
      sums[group] = (sums[group] as number) + (probs[j] as number);
    }
    const trueGroup = groups.indexOfPrefix.get(truePrefix);
    return trueGroup === undefined ? undefined : rankOf(sums, trueGroup);
  }

  private countHits(level: Level, rank: number | undefined): void {
    if (rank === undefined) return;
    DEPTHS.forEach((k, d) => {
      if (rank < k) this.hits[level][d] = (this.hits[level][d] as number) + 1;
    });
  }

  /**
   * Macro-F1 at hs6 over the classes present in the true labels (as scikit-learn does with
   * labels=unique(y_true)): per class F1 = 2·TP / (2·TP + FP + FN) = 2·TP / (predicted + actual),
   * 0 when TP = 0, averaged with equal weight. A wrong prediction of a class that never occurs
   * in the truth counts only as a false negative of the true class.
   */
  private macroF1(): number {
    if (this.trueCounts.size === 0) return 0;
    let sum = 0;
    for (const [hs6, actual] of this.trueCounts) {
      const tp = this.truePositives.get(hs6) ?? 0;
      sum += (2 * tp) / (actual + (this.predictedCounts.get(hs6) ?? 0));
    }
    return sum / this.trueCounts.size;
  }

  private reliability(): ReliabilityBin[] {
    const bins = Array.from({ length: this.binCount }, (_, b) => ({
      lower: b / this.binCount,
      upper: (b + 1) / this.binCount,
      count: 0,
      confidenceSum: 0,
      correct: 0,
    }));
    this.confidences.forEach((confidence, i) => {
      const bin = bins[Math.min(this.binCount - 1, Math.floor(confidence * this.binCount))];
      if (!bin) return;
      bin.count++;
      bin.confidenceSum += confidence;
      if (this.correct[i]) bin.correct++;
    });
    return bins.map(({ lower, upper, count, confidenceSum, correct }) => ({
      lower,
      upper,
      count,
      confidence: ratio(confidenceSum, count),
      accuracy: ratio(correct, count),
    }));
  }

  /**
   * One point per whole percent of coverage (1..100 %), each an actual threshold: when several
   * examples share a confidence, the point moves to the end of the tie, since a threshold
   * cannot accept half of them. Consecutive identical points are merged.
   */
  private coverageCurve(): CoveragePoint[] {
    const { ends, thresholds, cumulativeCorrect } = this.confidenceGroups();
    const n = this.confidences.length;
    const points: CoveragePoint[] = [];
    let g = 0;
    let lastEnd = 0;
    for (let percent = 1; percent <= 100 && ends.length > 0; percent++) {
      const wanted = Math.ceil((percent * n) / 100);
      while ((ends[g] as number) < wanted) g++;
      const end = ends[g] as number;
      if (end === lastEnd) continue;
      lastEnd = end;
      points.push({
        coverage: end / n,
        accuracy: (cumulativeCorrect[g] as number) / end,
        threshold: thresholds[g] as number,
      });
    }
    return points;
  }

  /**
   * Examples by confidence descending, cut where the confidence changes: group g accepts the
   * first `ends[g]` examples at threshold `thresholds[g]`, `cumulativeCorrect[g]` of them right.
   */
  private confidenceGroups(): { ends: number[]; thresholds: number[]; cumulativeCorrect: number[] } {
    const order = this.reviewConfidences
      .map((_, i) => i)
      .sort((a, b) => this.confidence(b) - this.confidence(a));
    const ends: number[] = [];
    const thresholds: number[] = [];
    const cumulativeCorrect: number[] = [];
    let correct = 0;
    order.forEach((example, position) => {
      if (this.reviewCorrect[example]) correct++;
      const next = order[position + 1];
      if (next === undefined || this.confidence(next) !== this.confidence(example)) {
        ends.push(position + 1);
        thresholds.push(this.confidence(example));
        cumulativeCorrect.push(correct);
      }
    });
    return { ends, thresholds, cumulativeCorrect };
  }

  private confidence(example: number): number {
    return this.reviewConfidences[example] as number;
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
