import {
  Reverse,
  util,
  type KernelConfig,
  type KernelFunc,
  type ReverseAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { stockKernel } from './stock-kernels';
import { allocate, asWasm } from './wasm-heap';

/**
 * Reversing the first axis (the backward GRU's time order) is a run of contiguous block
 * copies; the stock kernel computes an index per element. Other axes stay stock.
 */
const reverse: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { dims } = attrs as unknown as ReverseAttrs;
  const axes = util.parseAxisParam(dims, x.shape).filter((axis) => (x.shape[axis] as number) > 1);
  if (axes.length !== 1 || axes[0] !== 0 || x.dtype === 'string' || x.dtype === 'complex64') {
    return stockKernel(Reverse).kernelFunc({ inputs, backend, attrs });
  }
  const wasm = asWasm(backend);
  const count = x.shape[0] as number;
  const blockSize = util.sizeFromShape(x.shape.slice(1));
  const out = allocate(wasm, x.shape, x.dtype);
  const dst = wasm.typedArrayFromHeap(out);
  const src = wasm.typedArrayFromHeap(x);
  for (let i = 0; i < count; i++) {
    dst.set(src.subarray(i * blockSize, (i + 1) * blockSize), (count - 1 - i) * blockSize);
  }
  return out;
};

export const reverseConfig: KernelConfig = {
  kernelName: Reverse,
  backendName: 'wasm',
  kernelFunc: reverse,
};
