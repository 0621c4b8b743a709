import { tmpdir } from 'node:os';
import { getKernel } from '@tensorflow/tfjs';
import { WASM_TRAINING_KERNELS } from './kernels/register';
import { loadTensorflow } from './load';

function nodeBindingInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('loadTensorflow', () => {
  const cwd = process.cwd();
  afterAll(() => process.chdir(cwd));

  it('starts the wasm backend with our kernels from any working directory', async () => {
    process.chdir(tmpdir());
    const { tf, backend } = await loadTensorflow({ prefer: 'wasm' });
    expect(backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    for (const kernel of WASM_TRAINING_KERNELS) {
      expect(getKernel(kernel.kernelName, 'wasm')?.kernelFunc).toBe(kernel.kernelFunc);
    }
    expect(
      Array.from(
        tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 1, 0], 'int32'), 2).dataSync(),
      ),
    ).toEqual([3, 3]);
  });

  it('registers once however often it is called', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await loadTensorflow({ prefer: 'wasm' });
    await loadTensorflow({ prefer: 'wasm' });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("gives the stock CPU backend for 'cpu', without the console advice", async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { tf, backend } = await loadTensorflow({ prefer: 'cpu' });
    expect(backend).toBe('cpu');
    expect(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]).toBe(3);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("uses tfjs-node for 'auto' when it is installed, and wasm otherwise", async () => {
    const { backend } = await loadTensorflow();
    expect(backend).toBe(nodeBindingInstalled() ? 'tensorflow' : 'wasm');
  });
});
