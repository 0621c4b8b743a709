import { loadTensorflow } from '../load';
import { maxAbsDiff, onWasmAndCpu, seededValues } from './compare-backends';

beforeAll(() => loadTensorflow({ prefer: 'wasm' }));

describe('UnsortedSegmentSum on wasm', () => {
  it('matches the CPU backend, summing repeated ids and dropping out-of-range ones', async () => {
    const ids = Int32Array.from({ length: 40 }, (_, i) => ((i * 7) % 13) - 1); // -1 .. 11, repeats
    const values = seededValues(40 * 3 * 2, 1);
    const { wasm, cpu } = await onWasmAndCpu((tf) =>
      tf.unsortedSegmentSum(tf.tensor3d(values, [40, 3, 2]), tf.tensor1d(ids, 'int32'), 11),
    );
    expect(wasm[0]).toHaveLength(11 * 3 * 2);
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
  });

  it('accepts 2-D segment ids (the CPU backend cannot, so against a plain sum)', async () => {
    const { tf } = await loadTensorflow({ prefer: 'wasm' });
    const ids = Int32Array.from({ length: 5 * 4 }, (_, i) => (i * 5) % 9);
    const values = seededValues(5 * 4 * 3, 2);
    const expected = new Float32Array(9 * 3);
    ids.forEach((id, row) => {
      for (let j = 0; j < 3; j++)
        expected[id * 3 + j] = (expected[id * 3 + j] as number) + (values[row * 3 + j] as number);
    });
    const out = tf.unsortedSegmentSum(tf.tensor3d(values, [5, 4, 3]), tf.tensor2d(ids, [5, 4], 'int32'), 9);
    expect(out.shape).toEqual([9, 3]);
    expect(maxAbsDiff([Float32Array.from(out.dataSync())], [expected])).toBeLessThan(1e-5);
    out.dispose();
  });

  it('is the gradient of an embedding lookup', async () => {
    const table = seededValues(30 * 4, 3);
    const ids = Int32Array.from([3, 3, 7, 0, 29, 3, 12, 7]);
    const { wasm, cpu } = await onWasmAndCpu((tf) => {
      const weights = tf.tensor2d(table, [30, 4]);
      const lookup = (w: typeof weights) =>
        tf
          .gather(w, tf.tensor2d(ids, [2, 4], 'int32'))
          .square()
          .sum();
      return tf.grad(lookup)(weights);
    });
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
    // Rows never looked up get no gradient.
    expect(wasm[0]?.subarray(4, 8).every((v) => v === 0)).toBe(true);
  });
});
