import type { OnnxGraphBuilder } from '../graph-builder';

/**
 * Weights keep 7 bits (±63), not 8: x64 CPUs without VNNI multiply uint8 by int8 in pairs summed
 * into int16 (VPMADDUBSW), and 2 × 255 × 127 = 64,770 would saturate it; 2 × 255 × 63 = 32,130
 * cannot, so every CPU computes the same integers.
 */
export const WEIGHT_LEVELS = 63;
const ACTIVATION_LEVELS = 127;
/** The uint8 zero point of the activations: symmetric int8 values shifted into uint8. */
const ACTIVATION_ZERO_POINT = 128;
/** A row of zeros has no scale; any positive one quantizes it to zeros. */
const SMALLEST_SCALE = 1e-30;

const TO_UINT8 = 2;
const TO_FLOAT = 1;

export interface FloatMatrix {
  rows: number;
  cols: number;
  /** Row-major [rows, cols], as tfjs stores a Dense kernel. */
  values: ArrayLike<number>;
}

/** Per column: its scale (largest magnitude / 63, as float32) and its values in units of it. */
export function quantizeColumns(matrix: FloatMatrix): { weights: Int8Array; scales: Float32Array } {
  const { rows, cols, values } = matrix;
  const scales = new Float32Array(cols);
  const weights = new Int8Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let largest = 0;
    for (let r = 0; r < rows; r++) largest = Math.max(largest, Math.abs(values[r * cols + c] as number));
    // A column of zeros gets scale 1 and zeros, not a division by zero.
    const scale = largest === 0 ? 1 : Math.fround(largest / WEIGHT_LEVELS);
    scales[c] = scale;
    for (let r = 0; r < rows; r++) {
      // Halves round away from zero, so a column and its negation quantize to negated values.
      const scaled = (values[r * cols + c] as number) / scale;
      const q = Math.sign(scaled) * Math.round(Math.abs(scaled));
      weights[r * cols + c] = Math.max(-WEIGHT_LEVELS, Math.min(WEIGHT_LEVELS, q));
    }
  }
  return { weights, scales };
}

/**
 * output = input · kernel + bias with the kernel stored as int8 (per-column scales) and each input
 * row quantized on the fly to 8 bits with a scale of its own (its largest magnitude / 127), so a
 * row's result does not depend on the magnitudes of the other rows of its batch (a batch-wide
 * scale, ONNX's DynamicQuantizeLinear, would let one long description blur another's answer). ONNX Runtime computes the integer product with MatMulInteger
 * (uint8 × int8, ONNX Runtime's fast path) and scales it back:
 *
 *   s = max(max|x|, tiny) / 127 · x_q = round(x / s) + 128 · y = (x_q − 128) · W_q · s · w_scale + b
 */
export function addInt8Gemm(
  graph: OnnxGraphBuilder,
  prefix: string,
  input: string,
  kernel: FloatMatrix,
  bias: ArrayLike<number> | undefined,
  output: string,
): void {
  const { weights, scales } = quantizeColumns(kernel);
  const name = (part: string) => `${prefix}/${part}`;
  const weightsName = graph.addByteInitializer(
    name('kernel_int8'),
    'int8',
    [kernel.rows, kernel.cols],
    weights,
  );
  const scalesName = graph.addFloatInitializer(name('kernel_scale'), [kernel.cols], scales);
  const levels = graph.addFloatInitializer(name('activation_levels'), [], [ACTIVATION_LEVELS]);
  const smallest = graph.addFloatInitializer(name('smallest_scale'), [], [SMALLEST_SCALE]);
  const shift = graph.addFloatInitializer(name('activation_shift'), [], [ACTIVATION_ZERO_POINT]);
  const zeroPoint = graph.addByteInitializer(
    name('activation_zero_point'),
    'uint8',
    [],
    Uint8Array.of(ACTIVATION_ZERO_POINT),
  );

  const node = (
    op: string,
    part: string,
    inputs: string[],
    attributes: Record<string, number | number[]> = {},
  ) => {
    graph.addNode(op, name(`${part}/${op}`), inputs, [name(part)], attributes);
    return name(part);
  };
  const magnitude = node('Abs', 'input_magnitude', [input]);
  const largest = node('ReduceMax', 'row_largest', [magnitude], { axes: [1], keepdims: 1 });
  const rowScale = node('Max', 'row_scale', [node('Div', 'row_scale_raw', [largest, levels]), smallest]);
  const rounded = node('Round', 'input_levels', [node('Div', 'input_scaled', [input, rowScale])]);
  const quantized = node('Cast', 'input_uint8', [node('Add', 'input_shifted', [rounded, shift])], {
    to: TO_UINT8,
  });
  const product = node('MatMulInteger', 'product_int32', [quantized, weightsName, zeroPoint]);
  const rescaled = node('Mul', 'product_row_scaled', [
    node('Cast', 'product', [product], { to: TO_FLOAT }),
    rowScale,
  ]);
  if (bias === undefined) {
    graph.addNode('Mul', name('output/Mul'), [rescaled, scalesName], [output]);
    return;
  }
  const scaled = node('Mul', 'product_scaled', [rescaled, scalesName]);
  graph.addNode(
    'Add',
    name('output/Add'),
    [scaled, graph.addFloatInitializer(name('bias'), [kernel.cols], bias)],
    [output],
  );
}
