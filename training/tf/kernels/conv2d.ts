import {
  Conv2D,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { nhwcConvInfo } from './conv-info';
import { fillPatches, patchMatrixShape } from './im2col';
import { matMul2d } from './mat-mul-2d';
import { allocate, asWasm, floatView, release, reshaped } from './wasm-heap';

/**
 * Forward convolution as patches·W in XNNPACK's fully-connected operator, which on text-sized
 * inputs (one row, a handful of taps, many channels) beats the backend's XNNPACK convolution.
 */
const conv2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const info = nhwcConvInfo(x.shape, filter.shape, attrs as unknown as Conv2DAttrs);
  const wasm = asWasm(backend);
  const [rows, cols] = patchMatrixShape(info);
  const patches = allocate(wasm, [rows, cols]);
  fillPatches(info, floatView(wasm, x), floatView(wasm, patches));
  const y = matMul2d(wasm, patches, reshaped(filter, [cols, info.outChannels]), false, false);
  release(wasm, patches);
  return reshaped(y, info.outShape);
};

export const conv2dConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'wasm',
  kernelFunc: conv2d,
};
