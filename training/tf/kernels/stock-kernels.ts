import { getKernel, type KernelConfig } from '@tensorflow/tfjs';

/** The wasm backend's own kernels that ours replace, kept so ours can delegate to them. */
const stock = new Map<string, KernelConfig>();

export function rememberStockKernel(name: string): KernelConfig | undefined {
  const own = stock.get(name);
  if (own) return own;
  const kernel = getKernel(name, 'wasm');
  if (kernel) stock.set(name, kernel);
  return kernel;
}

export function stockKernel(name: string): KernelConfig {
  const kernel = stock.get(name) ?? rememberStockKernel(name);
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel;
}
