import * as ort from 'onnxruntime-node';
import { openOnnxSession } from '../../../models/onnx-session';
import { onnx } from 'onnx-proto';
import { ONNX_OPSET } from '../../../models/onnx-contract';
import { seededRandom } from '../../rng';
import { OnnxGraphBuilder } from '../graph-builder';
import { WEIGHT_LEVELS, addInt8Gemm, quantizeColumns } from './int8-gemm';

const ROWS = 48;
const COLS = 300;

/** A graph of the int8 Gemm alone: float input [batch, ROWS] → output [batch, COLS]. */
function gemmGraph(kernel: Float32Array, bias: Float32Array | undefined): Uint8Array {
  const graph = new OnnxGraphBuilder();
  graph.declareInput('x');
  addInt8Gemm(graph, 'dense', 'x', { rows: ROWS, cols: COLS, values: kernel }, bias, 'y');
  const spec = (name: string, width: number) => ({
    name,
    dtype: 'float32' as const,
    shape: ['batch', width] as Array<string | number>,
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: graph.build('int8-gemm', [spec('x', ROWS)], [spec('y', COLS)]),
    }),
  ).finish();
}

async function run(model: Uint8Array, input: Float32Array, batch: number): Promise<Float32Array> {
  const session = await openOnnxSession(model, { intraOpNumThreads: 1 });
  try {
    const result = await session.run({ x: new ort.Tensor('float32', input, [batch, ROWS]) });
    return result.y?.data as Float32Array;
  } finally {
    await session.release();
  }
}

const random = seededRandom(17);
const uniform = (n: number, limit: number) =>
  Float32Array.from({ length: n }, () => (random() * 2 - 1) * limit);

describe('int8 Gemm', () => {
  const kernel = uniform(ROWS * COLS, 0.3);
  const bias = uniform(COLS, 1);
  const batch = 20;
  const input = uniform(batch * ROWS, 4);
  // A row of zeros; a row of small values; a row with one huge value. With one scale for the
  // whole batch the small row would round to zeros.
  input.fill(0, 0, ROWS);
  for (let k = 0; k < ROWS; k++) input[ROWS + k] = 0.01 * ((k % 7) - 3);
  input[2 * ROWS] = 1e4;

  const reference = (row: number): Float64Array => {
    const out = Float64Array.from(bias);
    for (let k = 0; k < ROWS; k++) {
      for (let c = 0; c < COLS; c++)
        out[c] = (out[c] as number) + (input[row * ROWS + k] as number) * (kernel[k * COLS + c] as number);
    }
    return out;
  };

  it('computes x · W + b within the error of 8-bit inputs and 7-bit weights', async () => {
    const output = await run(gemmGraph(kernel, bias), input, batch);
    for (let row = 1; row < batch; row++) {
      const expected = reference(row);
      let largest = 0;
      let error = 0;
      for (let c = 0; c < COLS; c++) {
        largest = Math.max(largest, Math.abs((expected[c] as number) - (bias[c] as number)));
        error = Math.max(error, Math.abs((output[row * COLS + c] as number) - (expected[c] as number)));
      }
      // Each product carries at most half a level of each factor: a few percent of the largest term.
      expect(error).toBeLessThan(0.05 * largest);
      expect(error).toBeGreaterThan(0);
    }
  });

  it('gives a row of zeros its bias exactly', async () => {
    const output = await run(gemmGraph(kernel, bias), input, batch);
    expect([...output.subarray(0, COLS)]).toEqual([...bias]);
  });

  it('gives each row the same bits alone as inside any batch', async () => {
    const model = gemmGraph(kernel, bias);
    const together = await run(model, input, batch);
    for (const row of [0, 1, 2, 7, batch - 1]) {
      const alone = await run(model, input.subarray(row * ROWS, (row + 1) * ROWS), 1);
      expect(Buffer.from(alone.buffer, alone.byteOffset, alone.byteLength)).toEqual(
        Buffer.from(together.buffer, together.byteOffset + row * COLS * 4, COLS * 4),
      );
    }
  });

  it('works without a bias', async () => {
    const output = await run(gemmGraph(kernel, undefined), input, batch);
    expect([...output.subarray(0, COLS)]).toEqual(new Array(COLS).fill(0));
  });
});

describe('quantizeColumns', () => {
  it('maps each column onto ±63 steps of its own largest magnitude, and a zero column onto zeros', () => {
    const values = Float32Array.from([
      // three rows × three columns: a wide column, a narrow one, a zero one
      10, 0.001, 0, -5.2, -0.002, 0, 2.5, 0.0005, 0,
    ]);
    const { weights, scales } = quantizeColumns({ rows: 3, cols: 3, values });
    expect([...scales]).toEqual([Math.fround(10 / WEIGHT_LEVELS), Math.fround(0.002 / WEIGHT_LEVELS), 1]);
    expect([...weights]).toEqual([63, 32, 0, -33, -63, 0, 16, 16, 0]);
  });

  it('quantizes a negated matrix to the negated integers (no bias towards either sign)', () => {
    const values = uniform(ROWS * COLS, 1);
    const { weights } = quantizeColumns({ rows: ROWS, cols: COLS, values });
    const negated = quantizeColumns({ rows: ROWS, cols: COLS, values: values.map((v) => -v) });
    expect([...negated.weights]).toEqual([...weights].map((w) => -w || 0));
    expect(Math.max(...[...weights].map(Math.abs))).toBe(WEIGHT_LEVELS);
  });
});
