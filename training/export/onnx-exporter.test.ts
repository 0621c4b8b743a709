import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { openOnnxSession } from '../../models/onnx-session';
import { onnx } from 'onnx-proto';
import {
  ONNX_INPUT_NAME,
  ONNX_OUTPUT_NAME,
  ONNX_TEMPERED_OUTPUT_NAME,
  TEMPERED_FLOOR,
  onnxIoSpec,
} from '../../models/onnx-contract';
import {
  VARIANTS,
  type BiGruVariant,
  type TextCnnVariant,
  type Variant,
  type VariantName,
} from '../../models/variants';
import { buildModel, type ModelShape } from '../model/build';
import { seededRandom } from '../rng';
import { exportToOnnx } from './onnx-exporter';
import { UnsupportedModelError } from './unsupported';

const INPUT_DIM = 500;
const NUM_CLASSES = 40;
const ROWS = 300;
const TOLERANCE = 1e-4;
const KERNEL_GAIN = 3;
const VARIANT_NAMES: VariantName[] = ['textcnn', 'bigru', 'dnn'];

/**
 * Replaces every weight with seeded values: Glorot-like kernels three times wider than usual,
 * and embeddings and biases in [-1, 1]. Zero biases and tiny embeddings would hide a bias-layout
 * or gate-order bug behind near-uniform probabilities.
 */
function setSeededWeights(model: tf.LayersModel, seed: number): void {
  const random = seededRandom(seed);
  const uniform = (n: number, limit: number) =>
    Float32Array.from({ length: n }, () => (random() * 2 - 1) * limit);
  tf.tidy(() => {
    for (const layer of model.layers) {
      const weights = layer.getWeights();
      if (weights.length === 0) continue;
      layer.setWeights(
        weights.map((w) => {
          const fanOut = w.shape[w.rank - 1] as number;
          const fanIn = w.size / fanOut;
          const wide = layer.getClassName() === 'Embedding' || w.rank === 1;
          return tf.tensor(
            uniform(w.size, wide ? 1 : KERNEL_GAIN * Math.sqrt(6 / (fanIn + fanOut))),
            w.shape,
          );
        }),
      );
    }
  });
}

/**
 * The catalogue's architectures with narrower layers: tfjs's CPU kernels (recurrent slicing
 * especially) are slow enough that full widths would cost minutes. The widths all differ, so a
 * swapped axis cannot go unnoticed.
 */
const TEST_VARIANTS: Record<VariantName, { variant: Variant; sequenceLength: number }> = {
  textcnn: {
    variant: { ...(VARIANTS.textcnn as TextCnnVariant), embeddingDim: 24, filtersPerKernel: 20 },
    sequenceLength: VARIANTS.textcnn.encoder.maxLength,
  },
  bigru: {
    variant: { ...(VARIANTS.bigru as BiGruVariant), embeddingDim: 12, units: 20 },
    sequenceLength: 16,
  },
  dnn: { variant: VARIANTS.dnn, sequenceLength: VARIANTS.dnn.encoder.maxLength },
};

function catalogueModel(name: VariantName, seed = 7): tf.LayersModel {
  const { variant, sequenceLength } = TEST_VARIANTS[name];
  const shape: ModelShape = { inputDim: INPUT_DIM, sequenceLength, numClasses: NUM_CLASSES };
  const model = buildModel(tf, variant, shape, seed);
  setSeededWeights(model, seed + 1);
  return model;
}

/** Random rows, trailing-padded rows, leading-padded rows, all-padding and the largest id. */
function idRows(count: number, length: number, inputDim: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const ids = new Int32Array(count * length);
  const randomId = () => Math.floor(random() * inputDim);
  for (let row = 0; row < count; row++) {
    const kind = row % 5;
    const filled = 1 + Math.floor(random() * Math.min(4, length));
    for (let t = 0; t < length; t++) {
      let id: number;
      if (kind === 0) id = randomId();
      else if (kind === 1) id = t < filled ? randomId() : 0;
      else if (kind === 2) id = t >= length - filled ? randomId() : 0;
      else if (kind === 3) id = random() < 0.3 ? inputDim - 1 : randomId();
      else id = row % 10 === 4 ? 0 : t % 2 === 0 ? randomId() : 0;
      ids[row * length + t] = id;
    }
  }
  return ids;
}

async function onnxProbabilities(bytes: Uint8Array, ids: Int32Array, rows: number, length: number) {
  const session = await openOnnxSession(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    expect(session.inputNames).toEqual([ONNX_INPUT_NAME]);
    expect(session.outputNames).toEqual([ONNX_OUTPUT_NAME]);
    const result = await session.run({ [ONNX_INPUT_NAME]: new ort.Tensor('int32', ids, [rows, length]) });
    const output = result[ONNX_OUTPUT_NAME];
    expect(output?.dims).toEqual([rows, expect.any(Number)]);
    return output?.data as Float32Array;
  } finally {
    await session.release();
  }
}

function tfjsProbabilities(
  model: tf.LayersModel,
  ids: Int32Array,
  rows: number,
  length: number,
): Float32Array {
  return tf.tidy(() => {
    const output = model.predict(tf.tensor2d(ids, [rows, length], 'int32')) as tf.Tensor;
    return output.dataSync() as Float32Array;
  });
}

async function expectParity(model: tf.LayersModel, inputDim: number): Promise<void> {
  const length = model.inputs[0]?.shape[1] as number;
  const numClasses = model.outputs[0]?.shape[1] as number;
  const ids = idRows(ROWS, length, inputDim, 99);
  const expected = tfjsProbabilities(model, ids, ROWS, length);
  const bytes = exportToOnnx(model, { producerVersion: 'test' });
  const actual = await onnxProbabilities(bytes, ids, ROWS, length);
  expect(actual).toHaveLength(expected.length);
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  expect(maxDiff).toBeLessThan(TOLERANCE);

  // The comparison means something only if the probabilities are far from uniform and vary by row.
  const argmaxes = new Set<number>();
  let meanTop = 0;
  for (let row = 0; row < ROWS; row++) {
    const probs = expected.subarray(row * numClasses, (row + 1) * numClasses);
    const top = Math.max(...probs);
    argmaxes.add(probs.indexOf(top));
    meanTop += top / ROWS;
  }
  expect(meanTop).toBeGreaterThan(2 / numClasses);
  expect(argmaxes.size).toBeGreaterThan(3);

  // One row alone runs through the symbolic batch dimension too.
  const single = await onnxProbabilities(bytes, ids.subarray(0, length), 1, length);
  single.forEach((p, i) => expect(Math.abs(p - (expected[i] as number))).toBeLessThan(TOLERANCE));
}

/** softmax over each row of w · ln max(p, floor), in float64: what the tempered output promises. */
function temperedReference(probabilities: Float32Array, rows: number, weight: number): Float64Array {
  const classes = probabilities.length / rows;
  const out = new Float64Array(probabilities.length);
  for (let row = 0; row < rows; row++) {
    const z = Array.from(
      probabilities.subarray(row * classes, (row + 1) * classes),
      (p) => weight * Math.log(Math.max(p, TEMPERED_FLOOR)),
    );
    const max = Math.max(...z);
    const total = z.reduce((sum, v) => sum + Math.exp(v - max), 0);
    z.forEach((v, c) => (out[row * classes + c] = Math.exp(v - max) / total));
  }
  return out;
}

describe('tempered_probabilities', () => {
  const model = catalogueModel('textcnn', 21);
  const length = TEST_VARIANTS.textcnn.sequenceLength;
  const ids = idRows(ROWS, length, INPUT_DIM, 5);

  async function run(weight: number): Promise<{ probabilities: Float32Array; tempered: Float32Array }> {
    const bytes = exportToOnnx(model, { producerVersion: 'test', temperedWeight: weight });
    const session = await openOnnxSession(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    try {
      expect(session.inputNames).toEqual([ONNX_INPUT_NAME]);
      expect(session.outputNames).toEqual([ONNX_OUTPUT_NAME, ONNX_TEMPERED_OUTPUT_NAME]);
      const result = await session.run({ [ONNX_INPUT_NAME]: new ort.Tensor('int32', ids, [ROWS, length]) });
      return {
        probabilities: result[ONNX_OUTPUT_NAME]?.data as Float32Array,
        tempered: result[ONNX_TEMPERED_OUTPUT_NAME]?.data as Float32Array,
      };
    } finally {
      await session.release();
    }
  }

  const maxRelativeError = (actual: Float32Array, expected: Float64Array) =>
    actual.reduce((worst, a, i) => {
      const e = expected[i] as number;
      return Math.max(worst, Math.abs(a - e) / Math.max(e, 1e-30));
    }, 0);

  it.each([0.275, 1, 2])(
    'is the softmax of w · ln max(p, floor) for the weight it was exported with (%p)',
    async (weight) => {
      const { probabilities, tempered } = await run(weight);
      expect(maxRelativeError(tempered, temperedReference(probabilities, ROWS, weight))).toBeLessThan(1e-3);
      // A weight below 1 flattens the distribution: the check above would pass trivially for w = 1.
      if (weight < 1) expect(Math.max(...tempered)).toBeLessThan(Math.max(...probabilities));
    },
  );

  it('leaves the probabilities output as the network-only export computes it', async () => {
    const plain = await onnxProbabilities(
      exportToOnnx(model, { producerVersion: 'test' }),
      ids,
      ROWS,
      length,
    );
    const { probabilities } = await run(0.275);
    expect(probabilities).toEqual(plain);
  });

  it('ranks labels as (max(p, floor) / p_top)^w, the least likely label included', async () => {
    const weight = 0.5;
    const { probabilities, tempered } = await run(weight);
    const classes = probabilities.length / ROWS;
    for (let row = 0; row < ROWS; row++) {
      const p = probabilities.subarray(row * classes, (row + 1) * classes);
      const q = tempered.subarray(row * classes, (row + 1) * classes);
      const top = p.indexOf(Math.max(...p));
      const least = p.indexOf(Math.min(...p));
      const expected = Math.pow(Math.max(p[least] as number, TEMPERED_FLOOR) / (p[top] as number), weight);
      expect(Math.abs((q[least] as number) / (q[top] as number) / expected - 1)).toBeLessThan(1e-3);
    }
  });

  it('refuses a weight that is not a positive number', () => {
    expect(() => exportToOnnx(model, { producerVersion: 'test', temperedWeight: 0 })).toThrow(
      /positive number/,
    );
    expect(() => exportToOnnx(model, { producerVersion: 'test', temperedWeight: Number.NaN })).toThrow(
      /positive number/,
    );
  });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A python with the onnx package, if this machine has one (Debian's python3-onnx does). */
function findPythonWithOnnx(): string | undefined {
  const candidates = [process.env.ONNX_CHECK_PYTHON, '/usr/bin/python3', 'python3'];
  return candidates.find(
    (python): python is string =>
      python !== undefined && spawnSync(python, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0,
  );
}

const CHECKER = `
import json, sys, onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
def spec(v):
    t = v.type.tensor_type
    return {"name": v.name, "elem_type": t.elem_type,
            "shape": [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]}
print(json.dumps({"ir": model.ir_version, "opset": [o.version for o in model.opset_import if o.domain == ""],
                  "inputs": [spec(v) for v in model.graph.input], "outputs": [spec(v) for v in model.graph.output]}))
`;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exportToOnnx parity with tfjs', () => {
  it.each(VARIANT_NAMES)(
    '%s: onnxruntime matches tfjs within 1e-4 on padded, empty and max-id rows',
    async (name) => {
      const model = catalogueModel(name);
      try {
        await expectParity(model, INPUT_DIM);
      } finally {
        model.dispose();
      }
    },
  );

  it('GRU with sigmoid gates and no bias, and a linear hidden Dense without bias', async () => {
    const input = tf.input({ name: 'token_ids', shape: [6], dtype: 'int32' });
    let x = tf.layers
      .embedding({ name: 'embedding', inputDim: 30, outputDim: 5 })
      .apply(input) as tf.SymbolicTensor;
    const gru = tf.layers.gru({
      name: 'gru',
      units: 7,
      recurrentActivation: 'sigmoid',
      useBias: false,
    }) as tf.RNN;
    x = tf.layers
      .bidirectional({ name: 'bigru', layer: gru, mergeMode: 'concat' })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ name: 'hidden', units: 9, useBias: false }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ name: 'out', units: 11, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ name: 'gru_sigmoid', inputs: input, outputs: x });
    setSeededWeights(model, 5);
    await expectParity(model, 30);
    model.dispose();
  });

  it('strided, dilated, linear Conv1D without bias, mean-pooled', async () => {
    const input = tf.input({ name: 'token_ids', shape: [12], dtype: 'int32' });
    let x = tf.layers
      .embedding({ name: 'embedding', inputDim: 30, outputDim: 6 })
      .apply(input) as tf.SymbolicTensor;
    x = tf.layers
      .conv1d({ name: 'conv', filters: 8, kernelSize: 3, strides: 2, dilationRate: 1, useBias: false })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers
      .conv1d({ name: 'dilated', filters: 8, kernelSize: 2, dilationRate: 2, activation: 'relu' })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling1d({ name: 'mean' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ name: 'out', units: 10, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ name: 'conv_variants', inputs: input, outputs: x });
    setSeededWeights(model, 6);
    await expectParity(model, 30);
    model.dispose();
  });
});

describe('int8 output layer', () => {
  it.each(VARIANT_NAMES)(
    '%s: stores the output matrix as int8 and ranks labels as the float export does',
    async (name) => {
      const model = catalogueModel(name, 31);
      try {
        const length = TEST_VARIANTS[name].sequenceLength;
        const ids = idRows(ROWS, length, INPUT_DIM, 8);
        const float = exportToOnnx(model, { producerVersion: 'test' });
        const int8 = exportToOnnx(model, { producerVersion: 'test', int8OutputLayer: true });
        const output = model.outputs[0]?.sourceLayer as tf.layers.Layer;
        const hidden = output.getWeights()[0]?.shape[0] as number;
        const initializers = onnx.ModelProto.decode(int8).graph?.initializer ?? [];
        const matrices = initializers.filter(
          (t) => t.dims?.length === 2 && Number(t.dims[1]) === NUM_CLASSES,
        );
        expect(matrices.map((t) => [t.dataType, t.rawData?.length])).toEqual([
          [onnx.TensorProto.DataType.INT8, hidden * NUM_CLASSES],
        ]);

        const expected = await onnxProbabilities(float, ids, ROWS, length);
        const actual = await onnxProbabilities(int8, ids, ROWS, length);
        let sameTop = 0;
        let meanDistance = 0;
        for (let row = 0; row < ROWS; row++) {
          const e = expected.subarray(row * NUM_CLASSES, (row + 1) * NUM_CLASSES);
          const a = actual.subarray(row * NUM_CLASSES, (row + 1) * NUM_CLASSES);
          if (e.indexOf(Math.max(...e)) === a.indexOf(Math.max(...a))) sameTop++;
          e.forEach((p, i) => (meanDistance += Math.abs(p - (a[i] as number)) / 2 / ROWS));
        }
        // These weights are three times wider than trained ones, so the logits are far apart and
        // small errors in them show; a trained model's scores are in BENCHMARKS.md.
        expect(sameTop / ROWS).toBeGreaterThan(0.95);
        expect(meanDistance).toBeLessThan(0.03);
        expect(meanDistance).toBeGreaterThan(0);
        // Each row is quantized with its own scale, so a row alone gets what it gets in a batch but
        // for the last bits ONNX Runtime's float layers already differ by between the two, which
        // can move an activation at a rounding edge by one step.
        for (const row of [0, 4, ROWS - 1]) {
          const alone = await onnxProbabilities(
            int8,
            ids.subarray(row * length, (row + 1) * length),
            1,
            length,
          );
          const inBatch = actual.subarray(row * NUM_CLASSES, (row + 1) * NUM_CLASSES);
          expect(Math.max(...alone.map((p, i) => Math.abs(p - (inBatch[i] as number))))).toBeLessThan(1e-3);
        }
      } finally {
        model.dispose();
      }
    },
  );

  it('is byte-identical for the same weights', () => {
    const model = catalogueModel('textcnn', 11);
    const options = { producerVersion: 'abc123', int8OutputLayer: true, temperedWeight: 0.3 };
    expect(sha256(exportToOnnx(model, options))).toBe(
      sha256(exportToOnnx(catalogueModel('textcnn', 11), options)),
    );
    model.dispose();
  });
});

describe('exportToOnnx output', () => {
  it('is byte-identical for the same weights and differs for different weights', () => {
    const first = catalogueModel('textcnn', 11);
    const second = catalogueModel('textcnn', 11);
    const other = catalogueModel('textcnn', 12);
    const options = { producerVersion: 'abc123' };
    const digest = sha256(exportToOnnx(first, options));
    expect(sha256(exportToOnnx(first, options))).toBe(digest);
    expect(sha256(exportToOnnx(second, options))).toBe(digest);
    expect(sha256(exportToOnnx(other, options))).not.toBe(digest);
    [first, second, other].forEach((model) => model.dispose());
  });

  const python = findPythonWithOnnx();
  if (python === undefined) {
    console.warn(
      'ONNX checker test skipped: no python3 on this machine can import onnx (apt-get install python3-onnx)',
    );
  }
  const withPythonOnnx = python === undefined ? it.skip : it;
  const checkerTitle =
    'passes onnx.checker (full_check) and declares the contract I/O, for every variant' +
    (python === undefined ? ' [SKIPPED: no python3 with the onnx package]' : '');
  withPythonOnnx(checkerTitle, () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-export-'));
    try {
      for (const name of VARIANT_NAMES) {
        const model = catalogueModel(name);
        const file = join(dir, `${name}.onnx`);
        // Every variant is served with a fitted fusion, so the tempered output is checked too.
        // …and served with its output layer in int8, so that graph is checked too.
        writeFileSync(
          file,
          exportToOnnx(model, {
            producerVersion: 'test',
            docString: name,
            temperedWeight: 0.3,
            int8OutputLayer: true,
          }),
        );
        model.dispose();
        const run = spawnSync(python as string, ['-c', CHECKER, file], { encoding: 'utf8' });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const io = onnxIoSpec(TEST_VARIANTS[name].sequenceLength, NUM_CLASSES, true);
        const elemTypes = { int32: 6, int64: 7, float32: 1 };
        const asChecked = (specs: typeof io.inputs) =>
          specs.map((s) => ({ name: s.name, elem_type: elemTypes[s.dtype], shape: s.shape }));
        expect(JSON.parse(run.stdout)).toEqual({
          ir: 8,
          opset: [io.opset],
          inputs: asChecked(io.inputs),
          outputs: asChecked(io.outputs),
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('exportToOnnx refuses what it cannot translate', () => {
  const tinyModel = (middle: (x: tf.SymbolicTensor) => tf.SymbolicTensor, outActivation = 'softmax') => {
    const input = tf.input({ name: 'token_ids', shape: [4], dtype: 'int32' });
    const embedded = tf.layers.embedding({ name: 'embedding', inputDim: 10, outputDim: 3 }).apply(input);
    const out = tf.layers
      .dense({ name: 'out', units: 2, activation: outActivation as 'softmax' })
      .apply(middle(embedded as tf.SymbolicTensor));
    return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
  };
  const exportOf = (model: tf.LayersModel) => () => exportToOnnx(model, { producerVersion: 'test' });

  it('names an unsupported layer and lists the supported ones', () => {
    const model = tinyModel((x) => tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor);
    expect(exportOf(model)).toThrow(UnsupportedModelError);
    expect(exportOf(model)).toThrow(/layer "flat" \(Flatten\) is not supported .*Conv1D.*Embedding/);
  });

  it('names an unsupported activation', () => {
    const model = tinyModel(
      (x) =>
        tf.layers
          .dense({ name: 'squash', units: 3, activation: 'tanh' })
          .apply(tf.layers.globalAveragePooling1d({}).apply(x)) as tf.SymbolicTensor,
    );
    expect(exportOf(model)).toThrow(
      /layer "squash" \(Dense\) uses activation "tanh".*supported: linear, relu, softmax/,
    );
  });

  it('names an unsupported setting', () => {
    const model = tinyModel((x) => {
      const conv = tf.layers
        .conv1d({ name: 'same_conv', filters: 2, kernelSize: 2, padding: 'same' })
        .apply(x);
      return tf.layers.globalMaxPooling1d({}).apply(conv) as tf.SymbolicTensor;
    });
    expect(exportOf(model)).toThrow(
      /layer "same_conv" \(Conv1D\) has padding="same"; only "valid" is supported/,
    );
  });

  it('refuses a model whose output is not a softmax', () => {
    const model = tinyModel((x) => tf.layers.globalMaxPooling1d({}).apply(x) as tf.SymbolicTensor, 'linear');
    expect(exportOf(model)).toThrow(/must end in a softmax layer/);
  });
});
