import type * as tfType from '@tensorflow/tfjs';
import { loadTensorflow, type Tf } from '../load';

/** Test support: the same computation on wasm with our kernels and on the stock CPU backend. */
export async function onWasmAndCpu(
  run: (tf: Tf) => tfType.Tensor | tfType.Tensor[],
): Promise<{ wasm: Float32Array[]; cpu: Float32Array[] }> {
  const results = async (prefer: 'wasm' | 'cpu') => {
    const { tf } = await loadTensorflow({ prefer });
    return tf.tidy(() => {
      const out = run(tf);
      return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
    });
  };
  const wasm = await results('wasm');
  const cpu = await results('cpu');
  await loadTensorflow({ prefer: 'wasm' });
  return { wasm, cpu };
}

export function maxAbsDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i] as Float32Array;
    if (x.length !== y.length) worst = Infinity;
    for (let j = 0; j < x.length && worst !== Infinity; j++) {
      worst = Math.max(worst, Math.abs((x[j] as number) - (y[j] as number)));
      if (Number.isNaN(x[j]) !== Number.isNaN(y[j])) worst = Infinity;
    }
  });
  return worst;
}

/** Deterministic values in [-scale, scale) so that failures reproduce. */
export function seededValues(size: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
}
