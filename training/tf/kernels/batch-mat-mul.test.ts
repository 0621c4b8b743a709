import { loadTensorflow } from '../load';
import { maxAbsDiff, onWasmAndCpu, seededValues } from './compare-backends';

beforeAll(() => loadTensorflow({ prefer: 'wasm' }));

// [a shape, b shape, transposeA, transposeB]; the shapes steer matMul2d through both of its
// strategies (transpose the operands, or compute the transposed product).
const CASES: [number[], number[], boolean, boolean][] = [
  [[5, 7], [7, 3], false, false],
  [[7, 5], [7, 3], true, false],
  [[5, 7], [3, 7], false, true],
  [[7, 5], [3, 7], true, true],
  [[40, 8], [3, 8], false, true],
  [[4, 50], [12, 50], false, true],
  [[50, 12], [50, 30], true, false],
  [[37, 70], [21, 37], true, true],
  [[1, 6], [4, 6], false, true],
  [[6, 1], [6, 4], true, false],
  [[1, 9, 5], [1, 4, 5], false, true],
  [[3, 9, 5], [3, 9, 4], true, false],
];

describe('BatchMatMul on wasm', () => {
  it.each(CASES)(
    '%j · %j (transposeA %s, transposeB %s) matches the CPU backend',
    async (aShape, bShape, ta, tb) => {
      const a = seededValues(
        aShape.reduce((x, y) => x * y),
        11,
      );
      const b = seededValues(
        bShape.reduce((x, y) => x * y),
        12,
      );
      const { wasm, cpu } = await onWasmAndCpu((tf) =>
        tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb),
      );
      expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
    },
  );

  it('keeps the batch shape of its inputs', async () => {
    const { tf } = await loadTensorflow({ prefer: 'wasm' });
    const out = tf.matMul(tf.ones([1, 4, 6]), tf.ones([5, 6]), false, true);
    expect(out.shape).toEqual([1, 4, 5]);
    expect(Array.from(out.dataSync()).every((v) => v === 6)).toBe(true);
  });
});
