import {
  BatchMatMul,
  broadcast_util,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { matMul2d } from './mat-mul-2d';
import { stockKernel } from './stock-kernels';
import { asWasm, reshaped } from './wasm-heap';

/**
 * The wasm backend multiplies with XNNPACK only when neither operand is transposed, and falls
 * back to a scalar triple loop otherwise — several times slower, and every dense layer's
 * gradient is a transposed product. Unbatched products go through XNNPACK here.
 */
const batchMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const unbatched = util.sizeFromShape(outerA) === 1 && util.sizeFromShape(outerB) === 1;
  if (!unbatched || a.dtype !== 'float32' || b.dtype !== 'float32' || (!transposeA && !transposeB)) {
    return stockKernel(BatchMatMul).kernelFunc({ inputs, backend, attrs });
  }
  const wasm = asWasm(backend);
  const a2d = reshaped(a, a.shape.slice(-2));
  const b2d = reshaped(b, b.shape.slice(-2));
  const out = matMul2d(wasm, a2d, b2d, transposeA, transposeB);
  const outShape = broadcast_util.assertAndGetBroadcastShape(outerA, outerB).concat(out.shape);
  return reshaped(out, outShape);
};

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
