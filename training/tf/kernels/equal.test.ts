import { loadTensorflow } from '../load';
import { maxAbsDiff, onWasmAndCpu, seededValues } from './compare-backends';

beforeAll(() => loadTensorflow({ prefer: 'wasm' }));

describe('Equal on wasm', () => {
  it.each([
    [
      [4, 6, 5],
      [4, 1, 5],
    ],
    [
      [3, 1],
      [1, 7],
    ],
    [[2, 3, 4], [4]],
    [[5], []],
    [
      [2, 3],
      [2, 3],
    ],
  ])('%j against %j matches the CPU backend', async (aShape, bShape) => {
    // Few distinct values, so that equality actually happens.
    const rounded = (size: number, seed: number) => seededValues(size, seed).map((v) => Math.round(v * 2));
    const a = rounded(
      aShape.reduce((x, y) => x * y, 1),
      41,
    );
    const b = rounded(
      bShape.reduce((x, y) => x * y, 1),
      42,
    );
    const { wasm, cpu } = await onWasmAndCpu((tf) =>
      tf.equal(tf.tensor(a, aShape), tf.tensor(b, bShape)).cast('float32'),
    );
    expect(maxAbsDiff(wasm, cpu)).toBe(0);
    expect(wasm[0]?.some((v) => v === 1)).toBe(true);
  });

  it('gives the max-pool gradient of the CPU backend, ties included', async () => {
    const x = seededValues(3 * 6 * 4, 43).map((v) => Math.round(v * 3));
    const { wasm, cpu } = await onWasmAndCpu((tf) =>
      tf.grad((t) => t.max(1).sum())(tf.tensor3d(x, [3, 6, 4])),
    );
    expect(maxAbsDiff(wasm, cpu)).toBe(0);
  });
});
