import { adamUpdate, rangeOf } from './adam';
import { allocateTrainingState, type TrainingState } from './shared-state';

/** A state with seeded weights and two shards of seeded gradients. */
function seededState(size: number): TrainingState {
  const state = allocateTrainingState(size, 2, false);
  for (let i = 0; i < size; i++) {
    state.weights[i] = Math.sin(i) * 0.1;
    (state.gradients[0] as Float32Array)[i] = Math.cos(i * 1.7) * 1e-3;
    (state.gradients[1] as Float32Array)[i] = Math.sin(i * 0.3) * 1e-4;
  }
  return state;
}

/** Three Adam steps, the weight vector updated in `parts` ranges, with fresh gradients each step. */
function train(parts: number, size = 1001): Float32Array {
  const state = seededState(size);
  for (let step = 1; step <= 3; step++) {
    const gradients = seededState(size).gradients.map((g) => g.map((x) => x * step));
    gradients.forEach((g, s) => (state.gradients[s] as Float32Array).set(g));
    // Ranges in reverse order: nothing may depend on which thread finished first.
    for (let part = parts - 1; part >= 0; part--)
      adamUpdate(state, rangeOf(part, parts, size), step, 2, 0.01);
  }
  return state.weights;
}

describe('adamUpdate', () => {
  it('moves a weight against its gradient by about the learning rate on the first step', () => {
    const state = allocateTrainingState(2, 1, false);
    (state.gradients[0] as Float32Array).set([0.5, -2]);
    adamUpdate(state, { from: 0, to: 2 }, 1, 1, 0.01);
    // m̂ = g and v̂ = g² on the first step, so the move is lr · g / (|g| + ε).
    expect(state.weights[0]).toBeCloseTo(-0.01, 6);
    expect(state.weights[1]).toBeCloseTo(0.01, 6);
  });

  it('adds the shards before the update and touches only its own range', () => {
    const state = allocateTrainingState(4, 2, false);
    (state.gradients[0] as Float32Array).set([1, 1, 1, 1]);
    (state.gradients[1] as Float32Array).set([-1, -1, 1, 1]);
    adamUpdate(state, { from: 0, to: 3 }, 1, 2, 0.01);
    expect(Array.from(state.weights)).toEqual([0, 0, expect.closeTo(-0.01, 6), 0]);
  });

  it('gives the same bytes however the weights are split over threads', () => {
    const whole = Buffer.from(train(1).buffer).toString('hex');
    for (const parts of [2, 3, 7]) expect(Buffer.from(train(parts).buffer).toString('hex')).toBe(whole);
  });

  it('splits any size into ranges that cover it exactly once', () => {
    for (const [size, threads] of [
      [10, 3],
      [7, 7],
      [3, 5],
    ] as const) {
      const ranges = Array.from({ length: threads }, (_, t) => rangeOf(t, threads, size));
      expect(ranges[0]?.from).toBe(0);
      expect(ranges.at(-1)?.to).toBe(size);
      ranges.slice(1).forEach((r, i) => expect(r.from).toBe(ranges[i]?.to));
    }
  });
});
