import type * as tfType from '@tensorflow/tfjs';
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

  it('is the gradient of an embedding lookup', async () => {
    const table = seededValues(30 * 4, 3);
    const ids = Int32Array.from([3, 3, 7, 0, 29, 3, 12, 7]);
    const { wasm, cpu } = await onWasmAndCpu((tf) => {
      const weights = tf.tensor2d(table, [30, 4]);
      const lookup = (w: tfType.Tensor) =>
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
