/**
 * The order statistics the benches report. `median` is the upper middle of an even count (the
 * value of a run that happened); train-step and serve-load average the two middles instead.
 */
export const median = (samples: readonly number[]): number =>
  [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number;

/** The p-quantile of samples already sorted ascending (0.5: the upper middle, as `median`). */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
