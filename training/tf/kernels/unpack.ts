import {
  Unpack,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnpackAttrs,
} from '@tensorflow/tfjs';
import { stockKernel } from './stock-kernels';
import { allocate, asWasm } from './wasm-heap';

/**
 * Unstacking along the first axis is a run of contiguous copies; the GRU unstacks its input
 * into time steps every batch, and the stock kernel slices element by element.
 */
const unpack: KernelFunc = ({ inputs, backend, attrs }) => {
  const { value } = inputs as { value: TensorInfo };
  const { axis } = attrs as unknown as UnpackAttrs;
  const parsedAxis = util.parseAxisParam(axis, value.shape)[0];
  if (parsedAxis !== 0 || value.dtype === 'string' || value.dtype === 'complex64') {
    return stockKernel(Unpack).kernelFunc({ inputs, backend, attrs });
  }
  const wasm = asWasm(backend);
  const count = value.shape[0] as number;
  const partShape = value.shape.slice(1);
  const partSize = util.sizeFromShape(partShape);
  const parts = Array.from({ length: count }, () => allocate(wasm, partShape, value.dtype));
  const src = wasm.typedArrayFromHeap(value);
  parts.forEach((part, i) =>
    wasm.typedArrayFromHeap(part).set(src.subarray(i * partSize, (i + 1) * partSize)),
  );
  return parts;
};

export const unpackConfig: KernelConfig = {
  kernelName: Unpack,
  backendName: 'wasm',
  kernelFunc: unpack,
};
