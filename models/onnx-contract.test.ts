import {
  ONNX_BATCH_DIM,
  ONNX_INPUT_NAME,
  ONNX_OPSET,
  ONNX_OUTPUT_NAME,
  ONNX_TEMPERED_OUTPUT_NAME,
  onnxIoSpec,
} from './onnx-contract';

describe('onnxIoSpec', () => {
  it('declares int32 ids in and float32 probabilities out, with a symbolic batch', () => {
    expect(onnxIoSpec(48, 5600)).toEqual({
      inputs: [{ name: ONNX_INPUT_NAME, dtype: 'int32', shape: [ONNX_BATCH_DIM, 48] }],
      outputs: [{ name: ONNX_OUTPUT_NAME, dtype: 'float32', shape: [ONNX_BATCH_DIM, 5600] }],
      opset: ONNX_OPSET,
    });
  });

  it('adds the tempered output, and no input, for a model exported with a fusion weight', () => {
    expect(onnxIoSpec(48, 5600, true)).toEqual({
      inputs: [{ name: ONNX_INPUT_NAME, dtype: 'int32', shape: [ONNX_BATCH_DIM, 48] }],
      outputs: [
        { name: ONNX_OUTPUT_NAME, dtype: 'float32', shape: [ONNX_BATCH_DIM, 5600] },
        { name: ONNX_TEMPERED_OUTPUT_NAME, dtype: 'float32', shape: [ONNX_BATCH_DIM, 5600] },
      ],
      opset: ONNX_OPSET,
    });
  });

  it('rejects shapes no model can have', () => {
    expect(() => onnxIoSpec(0, 10)).toThrow(/sequence length/);
    expect(() => onnxIoSpec(12.5, 10)).toThrow(/sequence length/);
    expect(() => onnxIoSpec(48, 1)).toThrow(/at least 2 classes/);
  });
});
