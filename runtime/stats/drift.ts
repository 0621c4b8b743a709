import type { ModelManifest } from '../../models/manifest';
import { chiSquareQuantile } from './chi-square';
import {
  JS_BITS_PER_PSI,
  expectedNoisePsi,
  jensenShannonBits,
  populationStabilityIndex,
  proportionsOf,
  smoothProportions,
} from './divergence';

/**
 * Drift of live traffic from the training baseline a model's manifest records, on three signals:
 *
 * - predicted-chapter: the share of top-1 predictions per HS chapter (categorical, over the union
 *   of the chapters either side has seen);
 * - top1-confidence: the histogram of top-1 confidence, binned with the baseline's edges (training
 *   stores k equal-width bins over [0, 1], a confidence c falling in bin min(k − 1, ⌊c·k⌋));
 * - unknown-word-rate: the share of words outside the vocabulary, as a two-bin distribution
 *   (unknown, known) so it is scored like the others rather than by a z-test, which on a window of
 *   tens of thousands of words would flag differences too small to matter.
 *
 * Each is scored by PSI (on smoothed distributions, so an empty bin does not make it infinite) and
 * by Jensen–Shannon divergence in bits. Both grow from sampling noise alone when a window is small:
 * with many bins (96 chapters) a window of 1,000 predictions averages a PSI of about 0.1 with no
 * drift at all. With no drift, PSI / noise · df follows roughly a chi-square law with df = bins − 1
 * degrees of freedom (noise being that law's mean, scaled), which gives two rules:
 *
 * - a signal is judged once chance alone would reach its warn level in under 1% of windows;
 * - a distribution whose PSI is beyond that law's 0.9999 quantile is judged, by both metrics,
 *   however noisy the window, once the window averages 5 observations a bin.
 *
 * Otherwise the signal is reported with status 'ok' and judged false: it cannot tell drift from
 * chance, and the job should widen the window rather than raise an alarm. A fixed share of the
 * warn level would not do: for two bins chance exceeds twice its mean in 16% of windows.
 */

export type DriftBaseline = ModelManifest['driftBaseline'];

export interface LiveWindow {
  /** Top-1 predictions per chapter (the first two digits of the predicted subheading). */
  chapterCounts: Record<string, number>;
  /**
   * Top-1 probability of each prediction in the window, or their counts already binned with the
   * baseline's edges (n predictions, non-finite ones in no bin): a long window's running
   * aggregate keeps counts, not values.
   */
  topConfidences: ArrayLike<number> | BinnedConfidences;
  /** Words in the window's descriptions and how many were outside the vocabulary. */
  words: number;
  unknownWords: number;
}

export interface BinnedConfidences {
  n: number;
  counts: readonly number[];
}

const isBinned = (confidences: LiveWindow['topConfidences']): confidences is BinnedConfidences =>
  'counts' in confidences;

/** Predictions behind a window's confidences. */
export const confidenceCount = (confidences: LiveWindow['topConfidences']): number =>
  isBinned(confidences) ? confidences.n : confidences.length;

export type DriftSignalName = 'predicted-chapter' | 'top1-confidence' | 'unknown-word-rate';
export type DriftMetric = 'psi' | 'js-bits';
export type DriftStatus = 'ok' | 'warn' | 'alarm';

export interface DriftThresholds {
  warn: number;
  alarm: number;
}

export interface DriftSignal {
  name: DriftSignalName;
  metric: DriftMetric;
  value: number;
  threshold: DriftThresholds;
  status: DriftStatus;
  /** Live observations behind the value (predictions, or words for the unknown-word rate). */
  n: number;
  /** What the metric averages with no drift at these sample sizes; see the module comment. */
  expectedNoise: number;
  /** Whether this window can tell drift from chance; status stays 'ok' while it cannot. */
  judged: boolean;
}

export interface DriftConfig {
  /** Thresholds of the chapter and confidence signals (the unknown-word rate has its own, below). */
  psi?: DriftThresholds;
  jsBits?: DriftThresholds;
  /** Per-signal thresholds: the only way to change the unknown-word rate's. */
  signals?: Partial<Record<DriftSignalName, { psi?: DriftThresholds; jsBits?: DriftThresholds }>>;
  /** Judge only when chance alone reaches the warn level with at most this probability. */
  chanceOfFalseWarn?: number;
}

// PSI 0.1 / 0.25 are the conventional "some shift" / "major shift" levels. The JS levels are the
// same shifts in bits, by JS ≈ PSI / (8 ln 2) for small differences.
const PSI_DEFAULT: DriftThresholds = { warn: 0.1, alarm: 0.25 };
const JS_DEFAULT: DriftThresholds = { warn: 0.018, alarm: 0.045 };
// Unknown words are rare (well under 5% of words), and PSI on two bins with a rare one moves
// little: a rate going from 0.5% to 2%, four times as many unknown words, scores only 0.02. At
// 0.01 / 0.03 a 0.5% baseline warns at about three times its rate and alarms at about five.
const RATE_DEFAULTS = {
  psi: { warn: 0.01, alarm: 0.03 },
  jsBits: { warn: 0.0018, alarm: 0.0054 },
};
const FALSE_WARN_DEFAULT = 0.01;
const BEYOND_CHANCE = 1e-4;
const MIN_MEAN_PER_BIN = 5;

/** The value chance alone exceeds with probability `chance`, for a metric averaging `expectedNoise`. */
function ceilingOfChance(chance: number, expectedNoise: number, bins: number): number {
  const degrees = bins - 1;
  // One bin (a model that only ever predicts one chapter) leaves chance nothing to vary.
  return degrees > 0 ? (chiSquareQuantile(1 - chance, degrees) * expectedNoise) / degrees : 0;
}

function thresholdsFor(name: DriftSignalName, metric: DriftMetric, config: DriftConfig): DriftThresholds {
  const key = metric === 'psi' ? 'psi' : 'jsBits';
  const configured = config.signals?.[name]?.[key];
  if (configured) return configured;
  if (name === 'unknown-word-rate') return RATE_DEFAULTS[key];
  return config[key] ?? (metric === 'psi' ? PSI_DEFAULT : JS_DEFAULT);
}

function checkLiveWindow(live: LiveWindow): void {
  const { words, unknownWords } = live;
  if (!(
    Number.isInteger(words) &&
    Number.isInteger(unknownWords) &&
    unknownWords >= 0 &&
    unknownWords <= words
  )) {
    throw new RangeError(
      `live window needs whole numbers with 0 ≤ unknownWords ≤ words, got ${unknownWords}/${words}`,
    );
  }
  for (const [chapter, count] of Object.entries(live.chapterCounts)) {
    if (!(count >= 0 && Number.isFinite(count)))
      throw new RangeError(`chapter ${chapter} has count ${count}`);
  }
}

function allThresholds(config: DriftConfig): [string, DriftThresholds][] {
  const found: [string, DriftThresholds][] = [];
  if (config.psi) found.push(['psi', config.psi]);
  if (config.jsBits) found.push(['jsBits', config.jsBits]);
  for (const [name, overrides] of Object.entries(config.signals ?? {})) {
    if (overrides?.psi) found.push([`${name} psi`, overrides.psi]);
    if (overrides?.jsBits) found.push([`${name} jsBits`, overrides.jsBits]);
  }
  return found;
}

/** Bin index of a confidence among `bins` equal-width bins over [0, 1], as training bins it. */
export function confidenceBin(confidence: number, bins: number): number {
  return Math.max(0, Math.min(bins - 1, Math.floor(confidence * bins)));
}

function binConfidences(confidences: LiveWindow['topConfidences'], bins: number): number[] {
  if (isBinned(confidences)) {
    if (confidences.counts.length !== bins)
      throw new RangeError(
        `confidences binned in ${confidences.counts.length} bins, the baseline has ${bins}`,
      );
    return [...confidences.counts];
  }
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < confidences.length; i++) {
    const confidence = confidences[i] as number;
    if (!Number.isFinite(confidence)) continue;
    const bin = confidenceBin(confidence, bins);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

function statusOf(value: number, threshold: DriftThresholds, judged: boolean): DriftStatus {
  if (!judged || !(value >= threshold.warn)) return 'ok';
  return value >= threshold.alarm ? 'alarm' : 'warn';
}

/** PSI and JS signals for one distribution given as aligned baseline proportions and live counts. */
function scoreDistribution(
  name: DriftSignalName,
  baseline: readonly number[],
  baselineN: number,
  liveCounts: readonly number[],
  config: DriftConfig,
): DriftSignal[] {
  const n = liveCounts.reduce((sum, c) => sum + c, 0);
  const liveProportions = proportionsOf(liveCounts);
  const noisePsi = n > 0 ? expectedNoisePsi(baseline.length, n, baselineN) : Infinity;
  const chanceOfFalseWarn = config.chanceOfFalseWarn ?? FALSE_WARN_DEFAULT;
  const values: Record<DriftMetric, number> = {
    psi:
      n > 0
        ? populationStabilityIndex(
            smoothProportions(baseline, baselineN),
            smoothProportions(liveProportions, n),
          )
        : NaN,
    'js-bits': n > 0 ? jensenShannonBits(proportionsOf(baseline), liveProportions) : NaN,
  };
  // Decided once per distribution, on PSI: its smoothed estimate is the one whose null law is known,
  // and only on windows averaging 5 observations a bin, below which that law is no guide.
  const beyondChance =
    n >= MIN_MEAN_PER_BIN * baseline.length &&
    values.psi >= ceilingOfChance(BEYOND_CHANCE, noisePsi, baseline.length);
  return (['psi', 'js-bits'] as const).map((metric) => {
    const threshold = thresholdsFor(name, metric, config);
    const expectedNoise = metric === 'psi' ? noisePsi : noisePsi * JS_BITS_PER_PSI;
    const value = values[metric];
    const quietEnough = ceilingOfChance(chanceOfFalseWarn, expectedNoise, baseline.length) <= threshold.warn;
    const judged = n > 0 && (quietEnough || beyondChance);
    return {
      name,
      metric,
      value,
      threshold,
      status: statusOf(value, threshold, judged),
      n,
      expectedNoise,
      judged,
    };
  });
}

/**
 * Every signal the baseline has data for (a baseline with no chapters or no histogram, as a model
 * scored on no held-out rows has, yields none for that signal), PSI first then JS for each.
 */
export function detectDrift(
  baseline: DriftBaseline,
  live: LiveWindow,
  config: DriftConfig = {},
): DriftSignal[] {
  checkLiveWindow(live);
  const chance = config.chanceOfFalseWarn;
  if (chance !== undefined && !(chance > 0 && chance < 1)) {
    throw new RangeError(`chanceOfFalseWarn must be between 0 and 1, got ${chance}`);
  }
  for (const [name, threshold] of allThresholds(config)) {
    if (!(threshold.warn >= 0 && threshold.alarm >= threshold.warn)) {
      throw new RangeError(
        `${name} thresholds need 0 ≤ warn ≤ alarm, got ${threshold.warn} and ${threshold.alarm}`,
      );
    }
  }
  const signals: DriftSignal[] = [];
  const chapters = [
    ...new Set([...Object.keys(baseline.chapterDistribution), ...Object.keys(live.chapterCounts)]),
  ].sort();
  if (Object.keys(baseline.chapterDistribution).length > 0) {
    signals.push(
      ...scoreDistribution(
        'predicted-chapter',
        chapters.map((c) => baseline.chapterDistribution[c] ?? 0),
        baseline.n,
        chapters.map((c) => live.chapterCounts[c] ?? 0),
        config,
      ),
    );
  }
  const bins = baseline.confidenceHistogram.length;
  if (bins > 0) {
    signals.push(
      ...scoreDistribution(
        'top1-confidence',
        baseline.confidenceHistogram,
        baseline.n,
        binConfidences(live.topConfidences, bins),
        config,
      ),
    );
  }
  if (baseline.n > 0) {
    const rate = baseline.unknownWordRate;
    // The baseline rate is per word, but the manifest keeps only its row count: using rows as the
    // sample size overstates the baseline's noise, the cautious side.
    signals.push(
      ...scoreDistribution(
        'unknown-word-rate',
        [rate, 1 - rate],
        baseline.n,
        [live.unknownWords, live.words - live.unknownWords],
        config,
      ),
    );
  }
  return signals;
}

const SEVERITY: Record<DriftStatus, number> = { ok: 0, warn: 1, alarm: 2 };

/** The most severe status among the signals ('ok' for none). */
export function worstDriftStatus(signals: readonly DriftSignal[]): DriftStatus {
  return signals.reduce<DriftStatus>(
    (worst, s) => (SEVERITY[s.status] > SEVERITY[worst] ? s.status : worst),
    'ok',
  );
}
