import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { batchMatMulConfig } from './batch-mat-mul';
import { conv2dConfig } from './conv2d';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { equalConfig } from './equal';
import { gatherV2Config } from './gather-v2';
import { reverseConfig } from './reverse';
import { rememberStockKernel } from './stock-kernels';
import { unpackConfig } from './unpack';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** Kernels the wasm backend lacks, or has only as scalar loops, for training our three variants. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  unsortedSegmentSumConfig,
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  conv2dConfig,
  batchMatMulConfig,
  gatherV2Config,
  equalConfig,
  unpackConfig,
  reverseConfig,
];

/**
 * Registers our kernels for the wasm backend, replacing the stock ones of the same name (they
 * stay reachable for delegation, with their setup still run when the backend starts).
 * Idempotent; call before or after the backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    if (getKernel(config.kernelName, 'wasm')?.kernelFunc === config.kernelFunc) continue;
    const stock = rememberStockKernel(config.kernelName);
    if (stock) unregisterKernel(config.kernelName, 'wasm');
    registerKernel({ ...config, setupFunc: stock?.setupFunc, disposeFunc: stock?.disposeFunc });
  }
}
