/**
 * The model-agnostic ONNX boundary. Any model the runtime serves, whatever its architecture or
 * exporter, takes token ids and returns class probabilities under these names, so the runtime
 * never needs to know which variant it is running.
 */

/** int32 [batch, sequenceLength]: the encoder's zero-padded ids; every id is in [0, inputDim). */
export const ONNX_INPUT_NAME = 'token_ids';
/** float32 [batch, numClasses]: a softmax over the manifest's label list, in its order. */
export const ONNX_OUTPUT_NAME = 'probabilities';
export const ONNX_OPSET = 17;

/**
 * Optional, for serving the fused predictor cheaply (models/fusion.ts): float32 [batch,
 * numClasses], softmax over c of w · ln max(p_c, TEMPERED_FLOOR), where p is `probabilities` and
 * w the fusion's network weight the manifest records (fixed into the graph when the model is
 * exported after fusion is fitted). That is the network's whole share of the fused score,
 * normalised, so fusing it with lexical hits only touches the labels a text hit. The model still
 * takes `token_ids` alone, and a model without this output is served through the same arithmetic
 * over every label in JavaScript.
 */
export const ONNX_TEMPERED_OUTPUT_NAME = 'tempered_probabilities';
/** Probabilities below this count as this much in the fused score (a floor on ln p). */
export const TEMPERED_FLOOR = 1e-7;
/** The symbolic first dimension: one model file serves any batch size. */
export const ONNX_BATCH_DIM = 'batch';

export type OnnxDtype = 'int32' | 'int64' | 'float32';

/** One graph input or output; a string dimension is symbolic. */
export interface OnnxTensorSpec {
  name: string;
  dtype: OnnxDtype;
  shape: Array<number | string>;
}

/** What a manifest records about the ONNX file's interface. */
export interface OnnxIoSpec {
  inputs: OnnxTensorSpec[];
  outputs: OnnxTensorSpec[];
  opset: number;
}

/**
 * The I/O every model of this project declares, for its sequence length and label count, with
 * the tempered output when the model was exported with one.
 */
export function onnxIoSpec(sequenceLength: number, numClasses: number, tempered = false): OnnxIoSpec {
  if (!Number.isInteger(sequenceLength) || sequenceLength < 1) {
    throw new Error(`sequence length must be a positive integer, got ${sequenceLength}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`a classifier needs at least 2 classes, got ${numClasses}`);
  }
  return {
    inputs: [{ name: ONNX_INPUT_NAME, dtype: 'int32', shape: [ONNX_BATCH_DIM, sequenceLength] }],
    outputs: [
      { name: ONNX_OUTPUT_NAME, dtype: 'float32', shape: [ONNX_BATCH_DIM, numClasses] },
      ...(tempered
        ? [
            {
              name: ONNX_TEMPERED_OUTPUT_NAME,
              dtype: 'float32' as const,
              shape: [ONNX_BATCH_DIM, numClasses],
            },
          ]
        : []),
    ],
    opset: ONNX_OPSET,
  };
}
