import { topKIndices } from './top-k';

function bySorting(values: Float32Array, k: number): number[] {
  return [...values.keys()]
    .sort((a, b) => (values[b] as number) - (values[a] as number) || a - b)
    .slice(0, k);
}

describe('topKIndices', () => {
  it('agrees with a full sort on random vectors, largest first, ties by lower index', () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 200; trial++) {
      const length = 1 + Math.floor(random() * 600);
      // Coarse values make ties common.
      const values = Float32Array.from({ length }, () => Math.round(random() * 50) / 50);
      for (const k of [1, 2, 5, 20, length, length + 3]) {
        expect(topKIndices(values, k)).toEqual(bySorting(values, k));
      }
    }
  });

  it('finds the winners wherever they sit in a softmax-like vector', () => {
    const values = new Float32Array(5600).fill(1e-5);
    values[5599] = 0.5;
    values[0] = 0.2;
    values[2800] = 0.1;
    expect(topKIndices(values, 3)).toEqual([5599, 0, 2800]);
  });
});
