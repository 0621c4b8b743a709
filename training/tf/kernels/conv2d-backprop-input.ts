import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { nhwcConvInfo } from './conv-info';
import { addPatches, patchMatrixShape } from './im2col';
import { matMul2d } from './mat-mul-2d';
import { allocate, asWasm, floatView, release, reshaped } from './wasm-heap';

/**
 * The input gradient: dPatches = dy·Wᵀ in XNNPACK, then each patch row is added back onto the
 * input positions it was gathered from (col2im). The wasm backend's own kernel is a scalar loop.
 */
const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const convAttrs = attrs as unknown as Conv2DBackpropInputAttrs;
  const info = nhwcConvInfo(convAttrs.inputShape, filter.shape, convAttrs);
  const wasm = asWasm(backend);
  const [rows, cols] = patchMatrixShape(info);
  const patchGrads = matMul2d(
    wasm,
    reshaped(dy, [rows, info.outChannels]),
    reshaped(filter, [cols, info.outChannels]),
    false,
    true,
  );
  const dx = allocate(wasm, [...convAttrs.inputShape]);
  const dxView = floatView(wasm, dx);
  dxView.fill(0);
  addPatches(info, floatView(wasm, patchGrads), dxView);
  release(wasm, patchGrads);
  return dx;
};

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
