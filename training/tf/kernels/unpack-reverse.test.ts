import { loadTensorflow } from '../load';
import { maxAbsDiff, onWasmAndCpu, seededValues } from './compare-backends';

beforeAll(() => loadTensorflow({ prefer: 'wasm' }));

describe('Unpack and Reverse on wasm (the GRU time loop)', () => {
  const values = seededValues(5 * 3 * 4, 51);

  it.each([0, 1, 2])('unstack along axis %d matches the CPU backend', async (axis) => {
    const { wasm, cpu } = await onWasmAndCpu((tf) => tf.unstack(tf.tensor3d(values, [5, 3, 4]), axis));
    expect(wasm).toHaveLength([5, 3, 4][axis] as number);
    expect(maxAbsDiff(wasm, cpu)).toBe(0);
  });

  it.each([[0], [1], [0, 2], [-1]])('reverse along %j matches the CPU backend', async (...axes) => {
    const { wasm, cpu } = await onWasmAndCpu((tf) => tf.reverse(tf.tensor3d(values, [5, 3, 4]), axes));
    expect(maxAbsDiff(wasm, cpu)).toBe(0);
  });
});
