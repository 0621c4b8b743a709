import {
  ONNX_BATCH_DIM,
  ONNX_INPUT_NAME,
  ONNX_NETWORK_WEIGHT_INPUT_NAME,
  ONNX_OPSET,
  ONNX_OUTPUT_NAME,
  ONNX_TEMPERED_OUTPUT_NAME,
  onnxIoSpec,
} from './onnx-contract';

describe('onnxIoSpec', () => {
  it('declares int32 ids and the fusion weight in, float32 probabilities and their tempered form out', () => {
    expect(onnxIoSpec(48, 5600)).toEqual({
      inputs: [
        { name: ONNX_INPUT_NAME, dtype: 'int32', shape: [ONNX_BATCH_DIM, 48] },
        { name: ONNX_NETWORK_WEIGHT_INPUT_NAME, dtype: 'float32', shape: [1] },
      ],
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
