import { BatchMatMul, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, floatView, release, reshaped } from './wasm-heap';
import { stockKernel } from './stock-kernels';

const TILE = 16;

/**
 * A transposed copy, in square tiles so that both sides stay in cache: on tall matrices this
 * is two to three times faster than the backend's generic N-d Transpose. Always a fresh
 * tensor, because XNNPACK caches packed weights by tensor id.
 */
export function transpose2d(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const [rows, cols] = x.shape as [number, number];
  const out = allocate(backend, [cols, rows], x.dtype);
  const dst = floatView(backend, out);
  const src = floatView(backend, x);
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const from = i * cols;
        for (let j = j0; j < j1; j++) dst[j * rows + i] = src[from + j] as number;
      }
    }
  }
  return out;
}

/** XNNPACK's fully-connected operator: the only fast matmul the wasm backend has, and only untransposed. */
function xnnMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return stockKernel(BatchMatMul).kernelFunc({
    inputs: { a, b },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
}

/**
 * op(a)·op(b) for 2-D float tensors through XNNPACK. With a transposed operand it either
 * transposes operands explicitly (C = op(A)·op(B)) or computes Cᵀ = op(B)ᵀ·op(A)ᵀ and transposes
 * the result, whichever moves fewer floats: XNNPACK repacks its right operand on every call, so
 * the cost is the transposes plus the size of the right operand.
 */
export function matMul2d(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const [aRows, aCols] = a.shape as [number, number];
  const [bRows, bCols] = b.shape as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  if (!transposeA && !transposeB) return xnnMatMul(backend, a, b);

  const direct = (transposeA ? m * k : 0) + 2 * (k * n);
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + k * m + n * m;
  const temporaries: TensorInfo[] = [];
  const plain = (x: TensorInfo, transposed: boolean) => {
    if (!transposed) return x;
    const t = transpose2d(backend, x);
    temporaries.push(t);
    return t;
  };
  let out: TensorInfo;
  if (direct <= swapped) {
    out = xnnMatMul(backend, plain(a, transposeA), plain(b, transposeB));
  } else {
    // op(B)ᵀ is B itself when transposeB, else B transposed; likewise for A.
    const outT = xnnMatMul(backend, plain(b, !transposeB), plain(a, !transposeA));
    temporaries.push(outT);
    out = transpose2d(backend, reshaped(outT, [n, m]));
  }
  temporaries.forEach((t) => release(backend, t));
  return out;
}
