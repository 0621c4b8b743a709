import {
  GatherV2,
  util,
  type GatherV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { stockKernel } from './stock-kernels';
import { allocate, asWasm } from './wasm-heap';

/**
 * The embedding lookup: whole rows of a table, copied with `set`. The wasm backend's Gather
 * computes an index per element, which costs more than the rest of a small model's forward pass.
 * Other axes and batched gathers go to the stock kernel.
 */
const gatherV2: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = attrs as unknown as GatherV2Attrs;
  const parsedAxis = util.parseAxisParam(axis, x.shape)[0];
  if (parsedAxis !== 0 || (batchDims ?? 0) !== 0 || x.dtype === 'string' || x.dtype === 'complex64') {
    return stockKernel(GatherV2).kernelFunc({ inputs, backend, attrs });
  }
  const wasm = asWasm(backend);
  const rows = x.shape[0] as number;
  const rowShape = x.shape.slice(1);
  const rowSize = util.sizeFromShape(rowShape);
  const out = allocate(wasm, [...indices.shape, ...rowShape], x.dtype);
  const dst = wasm.typedArrayFromHeap(out);
  const src = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(indices);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id < 0 || id >= rows) {
      wasm.disposeData(out.dataId);
      throw new Error(`GatherV2: the index value ${id} is not in [0, ${rows - 1}]`);
    }
    dst.set(src.subarray(id * rowSize, (id + 1) * rowSize), i * rowSize);
  }
  return out;
};

export const gatherV2Config: KernelConfig = {
  kernelName: GatherV2,
  backendName: 'wasm',
  kernelFunc: gatherV2,
};
