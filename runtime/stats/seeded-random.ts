/**
 * mulberry32: a small 32-bit-state generator, tens of millions of draws per second in V8, so a
 * simulation of thousands of experiments stays within a test's time. Returns uniforms in [0, 1);
 * the same seed always gives the same stream.
 */
// Bound once because global lookups are slow inside vm contexts (Jest runs every test file in one)
// and this runs tens of millions of times per simulation.
const imul = Math.imul;

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Successes in `trials` independent Bernoulli(p) draws. */
export function binomialDraw(random: () => number, trials: number, p: number): number {
  let successes = 0;
  for (let i = 0; i < trials; i++) if (random() < p) successes++;
  return successes;
}
