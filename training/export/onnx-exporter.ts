import type * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import {
  ONNX_INPUT_NAME,
  ONNX_OPSET,
  ONNX_OUTPUT_NAME,
  ONNX_TEMPERED_OUTPUT_NAME,
  TEMPERED_FLOOR,
  onnxIoSpec,
} from '../../models/onnx-contract';
import type { ExportedTensor, LayerContext, LayerConverter, SequenceLayout } from './exported-tensor';
import { isSequence, permutation } from './exported-tensor';
import { OnnxGraphBuilder } from './graph-builder';
import { LayerConfig } from './layer-config';
import { convertBidirectionalGru } from './layers/bidirectional-gru';
import { convertConcatenate } from './layers/concatenate';
import { convertConv1D } from './layers/conv1d';
import { convertDense } from './layers/dense';
import { convertEmbedding } from './layers/embedding';
import { convertGlobalAveragePooling1D, convertGlobalMaxPooling1D } from './layers/global-pooling';
import { UnsupportedModelError, unsupported } from './unsupported';

/** IR 8 is the first IR version that allows opset 17. */
const IR_VERSION = 8;
const PRODUCER_NAME = 'hscode-mlops';

const CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Bidirectional: convertBidirectionalGru,
  Concatenate: convertConcatenate,
  Conv1D: convertConv1D,
  Dense: convertDense,
  Embedding: convertEmbedding,
  GlobalAveragePooling1D: convertGlobalAveragePooling1D,
  GlobalMaxPooling1D: convertGlobalMaxPooling1D,
};

export const SUPPORTED_LAYERS: readonly string[] = Object.keys(CONVERTERS);

export interface OnnxExportOptions {
  /** Recorded as the model's producer_version (the code version that trained it). */
  producerVersion: string;
  docString?: string;
  /**
   * The fitted fusion's network weight: when given, the graph also computes
   * `tempered_probabilities` for it (models/onnx-contract.ts).
   */
  temperedWeight?: number;
  /**
   * Store the output layer's matrix (hidden × labels, most of the file) as int8 and compute it
   * with MatMulInteger (see layers/int8-gemm.ts): a quarter of the bytes to read per row.
   */
  int8OutputLayer?: boolean;
}

/**
 * Serialises a trained tfjs model as an ONNX file honouring `models/onnx-contract`: input
 * `token_ids`, output `probabilities`. The bytes depend only on the graph and its weights (no
 * timestamps, names taken from the layers, nodes in layer order), so the same weights always
 * give the same file and sha256.
 */
export function exportToOnnx(model: tf.LayersModel, options: OnnxExportOptions): Uint8Array {
  const { sequenceLength, numClasses } = modelInterface(model);
  const { temperedWeight } = options;
  const io = onnxIoSpec(sequenceLength, numClasses, temperedWeight !== undefined);
  const graph = new OnnxGraphBuilder();
  const outputLayer = model.outputs[0]?.sourceLayer;
  if (
    outputLayer === undefined ||
    new LayerConfig(outputLayer).string('activation', 'linear') !== 'softmax'
  ) {
    throw new UnsupportedModelError(
      `ONNX export: the model must end in a softmax layer, because "${ONNX_OUTPUT_NAME}" promises probabilities`,
    );
  }
  const exported = new Map<string, ExportedTensor>();

  const inLayout = (tensor: ExportedTensor, layout: SequenceLayout): string => {
    if (!isSequence(tensor.layout)) {
      throw new UnsupportedModelError(`ONNX export: "${tensor.name}" is not a sequence`);
    }
    if (tensor.layout === layout) return tensor.name;
    const key = `${tensor.name}/to_${layout}`;
    if (!graph.hasTensor(key)) {
      graph.addNode('Transpose', key, [tensor.name], [key], { perm: permutation(tensor.layout, layout) });
    }
    return key;
  };

  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') {
      graph.declareInput(ONNX_INPUT_NAME);
      exported.set(layer.name, { name: ONNX_INPUT_NAME, layout: 'ids' });
      continue;
    }
    const convert = CONVERTERS[layer.getClassName()];
    if (convert === undefined) {
      throw unsupported(layer, `is not supported (the exporter handles ${SUPPORTED_LAYERS.join(', ')})`);
    }
    const context: LayerContext = {
      graph,
      layer,
      inputs: inboundTensors(layer, exported),
      outputName: layer === outputLayer ? ONNX_OUTPUT_NAME : layer.name,
      int8Weights: layer === outputLayer && options.int8OutputLayer === true,
      inLayout,
    };
    exported.set(layer.name, convert(context));
  }

  if (temperedWeight !== undefined) {
    addTemperedOutput(graph, `${outputLayer.name}/pre_activation`, temperedWeight);
  }

  const modelProto: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER_NAME,
    producerVersion: options.producerVersion,
    ...(options.docString === undefined ? {} : { docString: options.docString }),
    graph: graph.build(model.name, io.inputs, io.outputs),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(modelProto)).finish();
}

/**
 * `tempered_probabilities` from the output layer's logits (see models/onnx-contract.ts):
 * LogSoftmax is ln p computed without underflow, and the whole dense part of fusion runs in
 * ONNX Runtime's vectorised kernels instead of a log and an exp per label in JavaScript.
 */
function addTemperedOutput(graph: OnnxGraphBuilder, logits: string, networkWeight: number): void {
  if (!(Number.isFinite(networkWeight) && networkWeight > 0)) {
    throw new Error(`ONNX export: a fusion network weight must be a positive number, got ${networkWeight}`);
  }
  if (!graph.hasTensor(logits)) {
    throw new UnsupportedModelError(
      `ONNX export: the output layer's logits "${logits}" are not in the graph`,
    );
  }
  const weight = graph.addFloatInitializer('tempered/network_weight', [1], [networkWeight]);
  const floor = graph.addFloatInitializer('tempered/log_floor', [1], [Math.log(TEMPERED_FLOOR)]);
  graph.addNode('LogSoftmax', 'tempered/LogSoftmax', [logits], ['tempered/log_probabilities'], { axis: -1 });
  graph.addNode('Max', 'tempered/Max', ['tempered/log_probabilities', floor], ['tempered/floored']);
  graph.addNode('Mul', 'tempered/Mul', ['tempered/floored', weight], ['tempered/weighted']);
  graph.addNode('Softmax', 'tempered/Softmax', ['tempered/weighted'], [ONNX_TEMPERED_OUTPUT_NAME], {
    axis: -1,
  });
}

/** The contract's two shapes, read from the model: one int32 [batch, L] input, one [batch, K] output. */
function modelInterface(model: tf.LayersModel): { sequenceLength: number; numClasses: number } {
  const [input, ...otherInputs] = model.inputs;
  const [output, ...otherOutputs] = model.outputs;
  if (input === undefined || output === undefined || otherInputs.length > 0 || otherOutputs.length > 0) {
    throw new UnsupportedModelError('ONNX export: the model must have exactly one input and one output');
  }
  const [, sequenceLength, ...extraInputDims] = input.shape;
  if (input.dtype !== 'int32' || typeof sequenceLength !== 'number' || extraInputDims.length > 0) {
    throw new UnsupportedModelError(
      `ONNX export: the input must be int32 [batch, sequenceLength], got ${input.dtype} [${input.shape}]`,
    );
  }
  const [, numClasses, ...extraOutputDims] = output.shape;
  if (typeof numClasses !== 'number' || extraOutputDims.length > 0) {
    throw new UnsupportedModelError(
      `ONNX export: the output must be [batch, numClasses], got [${output.shape}]`,
    );
  }
  return { sequenceLength, numClasses };
}

function inboundTensors(
  layer: tf.layers.Layer,
  exported: ReadonlyMap<string, ExportedTensor>,
): ExportedTensor[] {
  if (layer.inboundNodes.length !== 1) {
    throw unsupported(layer, `is called ${layer.inboundNodes.length} times; shared layers are not supported`);
  }
  const node = layer.inboundNodes[0] as (typeof layer.inboundNodes)[number];
  return node.inboundLayers.map((source, i) => {
    const tensor = exported.get(source.name);
    if (tensor === undefined || (node.tensorIndices[i] ?? 0) !== 0) {
      throw unsupported(layer, `reads from "${source.name}", which was not exported before it`);
    }
    return tensor;
  });
}
