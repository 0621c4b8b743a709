import {
  broadcast_util,
  Equal,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { stockKernel } from './stock-kernels';
import { allocate, asWasm } from './wasm-heap';

/** Strides of `shape` right-aligned to the output's rank, 0 along broadcast dimensions. */
function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const rank = outShape.length;
  const padded = [...Array<number>(rank - shape.length).fill(1), ...shape];
  const strides = [...util.computeStrides(padded), 1];
  return padded.map((size, i) => (size === 1 && outShape[i] !== 1 ? 0 : (strides[i] as number)));
}

/**
 * Broadcast equality. The max-pool gradient compares every activation with its row's maximum;
 * the wasm backend's comparison kernels compute a multi-index per element when broadcasting,
 * which made this one comparison a third of a Text-CNN training step. Without broadcasting
 * the stock kernel is as fast as a JS loop, so it keeps that case.
 */
const equal: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const outShape = broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
  if (
    util.arraysEqual(a.shape, b.shape) ||
    outShape.length === 0 ||
    a.dtype === 'string' ||
    b.dtype === 'string'
  ) {
    return stockKernel(Equal).kernelFunc({ inputs, backend, attrs });
  }
  const wasm = asWasm(backend);
  const out = allocate(wasm, outShape, 'bool');
  const dst = wasm.typedArrayFromHeap(out);
  const aValues = wasm.typedArrayFromHeap(a);
  const bValues = wasm.typedArrayFromHeap(b);
  const rank = outShape.length;
  const aStrides = broadcastStrides(a.shape, outShape);
  const bStrides = broadcastStrides(b.shape, outShape);
  const inner = outShape[rank - 1] as number;
  const aStep = aStrides[rank - 1] as number;
  const bStep = bStrides[rank - 1] as number;
  const index = new Array<number>(rank).fill(0);
  let aOffset = 0;
  let bOffset = 0;
  for (let o = 0; o < dst.length; o += inner) {
    for (let j = 0; j < inner; j++)
      dst[o + j] = aValues[aOffset + j * aStep] === bValues[bOffset + j * bStep] ? 1 : 0;
    // Odometer over the outer dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      const size = outShape[d] as number;
      const next = (index[d] as number) + 1;
      aOffset += aStrides[d] as number;
      bOffset += bStrides[d] as number;
      if (next < size) {
        index[d] = next;
        break;
      }
      aOffset -= size * (aStrides[d] as number);
      bOffset -= size * (bStrides[d] as number);
      index[d] = 0;
    }
  }
  return out;
};

export const equalConfig: KernelConfig = {
  kernelName: Equal,
  backendName: 'wasm',
  kernelFunc: equal,
};
