import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { nhwcConvInfo } from './conv-info';
import { fillPatchesTransposed, patchMatrixShape } from './im2col';
import { matMul2d } from './mat-mul-2d';
import { allocate, asWasm, floatView, release, reshaped } from './wasm-heap';

/**
 * The filter gradient, missing from the wasm backend: dW = patchesᵀ·dy, where the patch matrix
 * (im2col) has one row per output position, so the arithmetic runs in XNNPACK. The patches are
 * gathered already transposed and dy is XNNPACK's right operand as it is: no transposes.
 */
const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const convAttrs = attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = nhwcConvInfo(x.shape, convAttrs.filterShape, convAttrs);
  const wasm = asWasm(backend);
  const [rows, cols] = patchMatrixShape(info);
  const patchesT = allocate(wasm, [cols, rows]);
  fillPatchesTransposed(info, floatView(wasm, x), floatView(wasm, patchesT));
  const grad = matMul2d(wasm, patchesT, reshaped(dy, [rows, info.outChannels]), false, false);
  release(wasm, patchesT);
  return reshaped(grad, convAttrs.filterShape);
};

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
