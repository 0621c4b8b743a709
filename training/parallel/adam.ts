import type { TrainingState } from './shared-state';

/** Adam's constants, as TensorFlow.js's `tf.train.adam(learningRate)` has them. */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

/** β^step as a running product: `Math.pow` is not promised to round alike everywhere. */
function power(base: number, step: number): number {
  let result = 1;
  for (let i = 0; i < step; i++) result *= base;
  return result;
}

/**
 * Adds the first `shardCount` shard gradients in shard order and applies Adam step `step` (from 1)
 * to the weights in [from, to). Every element is independent of the others, so any split of the
 * range over threads gives the same bytes; every intermediate is rounded to float32 where it is
 * stored, so no engine's choice of precision can change a result.
 */
export function adamUpdate(
  state: TrainingState,
  range: { from: number; to: number },
  step: number,
  shardCount: number,
  learningRate: number,
): void {
  const { weights: w, firstMoment: m, secondMoment: v, gradients } = state;
  const g = gradients[0] as Float32Array;
  for (let s = 1; s < shardCount; s++) {
    const shard = gradients[s] as Float32Array;
    for (let i = range.from; i < range.to; i++) g[i] = (g[i] as number) + (shard[i] as number);
  }
  const stepSize = learningRate / (1 - power(BETA1, step));
  const secondCorrection = 1 / (1 - power(BETA2, step));
  for (let i = range.from; i < range.to; i++) {
    const gi = g[i] as number;
    const mi = (m[i] = BETA1 * (m[i] as number) + (1 - BETA1) * gi);
    const vi = (v[i] = BETA2 * (v[i] as number) + (1 - BETA2) * gi * gi);
    w[i] =
      (w[i] as number) -
      (stepSize * Math.fround(mi)) / (Math.sqrt(Math.fround(vi) * secondCorrection) + EPSILON);
  }
}

/** The weight range thread `index` of `threads` updates. */
export function rangeOf(index: number, threads: number, size: number): { from: number; to: number } {
  return { from: Math.floor((index * size) / threads), to: Math.floor(((index + 1) * size) / threads) };
}
