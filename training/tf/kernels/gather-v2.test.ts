import { loadTensorflow } from '../load';
import { maxAbsDiff, onWasmAndCpu, seededValues } from './compare-backends';

beforeAll(() => loadTensorflow({ prefer: 'wasm' }));

describe('GatherV2 on wasm', () => {
  it('looks up embedding rows like the CPU backend', async () => {
    const table = seededValues(20 * 3, 31);
    const ids = Int32Array.from([0, 19, 4, 4, 7, 0]);
    const { wasm, cpu } = await onWasmAndCpu((tf) =>
      tf.gather(tf.tensor2d(table, [20, 3]), tf.tensor2d(ids, [2, 3], 'int32')),
    );
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-6);
    expect(Array.from(wasm[0]?.subarray(3, 6) ?? [])).toEqual(Array.from(table.subarray(57, 60)));
  });

  it('leaves other axes to the stock kernel', async () => {
    const values = seededValues(4 * 5 * 2, 32);
    const { wasm, cpu } = await onWasmAndCpu((tf) => tf.gather(tf.tensor3d(values, [4, 5, 2]), [3, 1, 3], 1));
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-6);
  });

  it('rejects ids outside the table instead of reading stray memory', async () => {
    const { tf } = await loadTensorflow({ prefer: 'wasm' });
    expect(() => tf.gather(tf.zeros([5, 2]), tf.tensor1d([1, 5], 'int32'))).toThrow(/not in \[0, 4\]/);
  });
});
