import {
  confidenceBin,
  detectDrift,
  type DriftBaseline,
  type DriftSignalName,
  type LiveWindow,
} from './drift';
import { mulberry32 } from './seeded-random';

/**
 * Monte Carlo of the drift detector: live windows drawn from a baseline shaped like a trained
 * model's (96 chapters with a long tail, 15 confidence bins, a rare unknown-word rate), either as
 * is, to count false warnings, or bent by a shift, to count detections.
 */

export const SIMULATED_CHAPTERS = Array.from({ length: 96 }, (_, i) => String(i + 1).padStart(2, '0'));
const normalise = (values: number[]) => {
  const total = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / total);
};
const chapterShares = normalise(SIMULATED_CHAPTERS.map((_, i) => 1 / (i + 1)));

/** The baseline a model scored on `n` held-out rows would record. */
export function simulatedBaseline(n = 4157): DriftBaseline {
  return {
    n,
    chapterDistribution: Object.fromEntries(
      SIMULATED_CHAPTERS.map((c, i) => [c, chapterShares[i] as number]),
    ),
    confidenceHistogram: normalise(Array.from({ length: 15 }, (_, b) => (b + 1) ** 2)),
    unknownWordRate: 0.005,
  };
}

export interface Shift {
  /** Share of traffic moved to chapter 50, which the baseline barely predicts. */
  chapterShift?: number;
  /** Share of predictions moved to a low-confidence bin. */
  lowConfidence?: number;
  /** The live unknown-word rate (the baseline's when absent). */
  unknownRate?: number;
}

const WORDS_PER_DESCRIPTION = 8;

function pick(random: () => number, proportions: readonly number[]): number {
  let u = random();
  for (let i = 0; i < proportions.length; i++) {
    u -= proportions[i] as number;
    if (u < 0) return i;
  }
  return proportions.length - 1;
}

/** A window of `size` predictions drawn from `truth`, bent by `shift`. */
export function simulatedWindow(
  truth: DriftBaseline,
  seed: number,
  size: number,
  shift: Shift = {},
): LiveWindow {
  const random = mulberry32(seed);
  const chapters = Object.keys(truth.chapterDistribution);
  const proportions = chapters.map((c) => truth.chapterDistribution[c] as number);
  const bins = truth.confidenceHistogram.length;
  const chapterCounts: Record<string, number> = {};
  const topConfidences: number[] = [];
  for (let i = 0; i < size; i++) {
    const chapter =
      random() < (shift.chapterShift ?? 0) ? '50' : (chapters[pick(random, proportions)] as string);
    chapterCounts[chapter] = (chapterCounts[chapter] ?? 0) + 1;
    const bin = random() < (shift.lowConfidence ?? 0) ? 2 : pick(random, truth.confidenceHistogram);
    topConfidences.push((bin + random()) / bins);
  }
  const words = size * WORDS_PER_DESCRIPTION;
  let unknownWords = 0;
  for (let i = 0; i < words; i++) if (random() < (shift.unknownRate ?? truth.unknownWordRate)) unknownWords++;
  return { chapterCounts, topConfidences, words, unknownWords };
}

/**
 * The baseline a model records when scored on `rows` held-out rows drawn from `truth`: itself a
 * sample, with the noise a real model's baseline carries.
 */
export function sampledBaseline(truth: DriftBaseline, rows: number, seed: number): DriftBaseline {
  const sample = simulatedWindow(truth, seed, rows);
  const confidences = sample.topConfidences as number[];
  const bins = truth.confidenceHistogram.length;
  const histogram = new Array<number>(bins).fill(0);
  for (const confidence of confidences) {
    const bin = confidenceBin(confidence, bins);
    histogram[bin] = (histogram[bin] ?? 0) + 1;
  }
  return {
    n: rows,
    chapterDistribution: Object.fromEntries(
      Object.entries(sample.chapterCounts).map(([chapter, count]) => [chapter, count / rows]),
    ),
    confidenceHistogram: histogram.map((count) => count / rows),
    unknownWordRate: sample.unknownWords / sample.words,
  };
}

export interface FlagOptions {
  /** Predictions per window, and how many windows. */
  size: number;
  windows: number;
  shift?: Shift;
  seed?: number;
  /**
   * Score each window against a baseline sampled from `truth` with this many rows (a different
   * model each time) rather than against `truth` itself.
   */
  sampledBaselineRows?: number;
}

/** Share of simulated windows from `truth` in which each signal (by either metric) was not 'ok'. */
export function flaggedRates(truth: DriftBaseline, options: FlagOptions): Record<DriftSignalName, number> {
  const { size, windows, shift = {}, seed = 1, sampledBaselineRows } = options;
  const flagged: Record<DriftSignalName, number> = {
    'predicted-chapter': 0,
    'top1-confidence': 0,
    'unknown-word-rate': 0,
  };
  for (let w = 0; w < windows; w++) {
    const windowSeed = seed * 1_000_003 + w;
    const baseline = sampledBaselineRows
      ? sampledBaseline(truth, sampledBaselineRows, windowSeed + 500_000_000)
      : truth;
    const signals = detectDrift(baseline, simulatedWindow(truth, windowSeed, size, shift));
    for (const name of Object.keys(flagged) as DriftSignalName[]) {
      if (signals.some((s) => s.name === name && s.status !== 'ok')) flagged[name]++;
    }
  }
  for (const name of Object.keys(flagged) as DriftSignalName[]) flagged[name] /= windows;
  return flagged;
}
