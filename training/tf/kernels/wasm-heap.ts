import { getKernel, util, type DataType, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Tensor memory of the wasm backend, seen from JS. Views go stale when the wasm heap grows,
 * so a kernel takes every view after its last allocation.
 */
export function asWasm(backend: object): BackendWasm {
  if (!('typedArrayFromHeap' in backend) || !('makeOutput' in backend)) {
    throw new Error('this kernel runs on the wasm backend only');
  }
  return backend as BackendWasm;
}

export function floatView(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

export function intView(backend: BackendWasm, info: TensorInfo): Int32Array {
  return backend.typedArrayFromHeap(info) as Int32Array;
}

/** A new tensor on the wasm heap; its memory is not cleared. */
export function allocate(backend: BackendWasm, shape: number[], dtype: DataType = 'float32'): TensorInfo {
  return backend.makeOutput(shape, dtype);
}

export function release(backend: BackendWasm, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/** The same memory under another shape, for passing to a kernel; never release it. */
export function reshaped(info: TensorInfo, shape: number[]): TensorInfo {
  util.assert(util.sizeFromShape(shape) === util.sizeFromShape(info.shape), () => 'reshape changes size');
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Runs a kernel the wasm backend ships (or one registered in its place) on tensors already on the heap. */
export function runWasmKernel(
  name: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}
