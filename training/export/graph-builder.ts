import { onnx } from 'onnx-proto';
import type { OnnxDtype, OnnxTensorSpec } from '../../models/onnx-contract';
import { float32LittleEndian, int64LittleEndian } from './tensor-bytes';

export type AttributeValue = number | string | number[] | string[] | { floats: number[] };

const DATA_TYPES: Record<OnnxDtype, onnx.TensorProto.DataType> = {
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  float32: onnx.TensorProto.DataType.FLOAT,
};

/**
 * Collects nodes and initializers in the order they are added. Names are checked for
 * uniqueness here because a duplicate would silently rewire the graph; insertion order is what
 * makes the exported bytes reproducible.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly tensorNames = new Set<string>();
  private readonly nodeNames = new Set<string>();

  /** Reserves a name produced outside of nodes and initializers (a graph input). */
  declareInput(name: string): void {
    this.claimTensorName(name);
  }

  addNode(
    opType: string,
    name: string,
    inputs: string[],
    outputs: string[],
    attributes: Record<string, AttributeValue> = {},
  ): void {
    if (this.nodeNames.has(name)) throw new Error(`ONNX graph already has a node named "${name}"`);
    this.nodeNames.add(name);
    outputs.filter((output) => output !== '').forEach((output) => this.claimTensorName(output));
    this.nodes.push({
      opType,
      name,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => toAttribute(key, value)),
    });
  }

  addFloatInitializer(name: string, dims: number[], values: ArrayLike<number>): string {
    return this.addInitializer(name, dims, values.length, DATA_TYPES.float32, float32LittleEndian(values));
  }

  /** int8 or uint8 values (an empty `dims` is a scalar); raw_data is the bytes as they are. */
  addByteInitializer(
    name: string,
    type: 'int8' | 'uint8',
    dims: number[],
    values: Int8Array | Uint8Array,
  ): string {
    const dataType = type === 'int8' ? onnx.TensorProto.DataType.INT8 : onnx.TensorProto.DataType.UINT8;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    return this.addInitializer(name, dims, values.length, dataType, bytes);
  }

  /** Checks that `count` values fill `dims` (an empty `dims` is a scalar) and adds the tensor. */
  private addInitializer(
    name: string,
    dims: number[],
    count: number,
    dataType: onnx.TensorProto.DataType,
    rawData: Uint8Array,
  ): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (count !== expected) {
      throw new Error(`initializer "${name}" has ${count} values, its shape [${dims}] needs ${expected}`);
    }
    this.claimTensorName(name);
    this.initializers.push({ name, dims, dataType, rawData });
    return name;
  }

  addInt64Initializer(name: string, values: number[]): string {
    this.claimTensorName(name);
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: DATA_TYPES.int64,
      rawData: int64LittleEndian(values),
    });
    return name;
  }

  hasTensor(name: string): boolean {
    return this.tensorNames.has(name);
  }

  build(
    name: string,
    inputs: OnnxTensorSpec[],
    outputs: OnnxTensorSpec[],
    docString?: string,
  ): onnx.IGraphProto {
    for (const output of outputs) {
      if (!this.tensorNames.has(output.name)) {
        throw new Error(`no node produces graph output "${output.name}"`);
      }
    }
    return {
      name,
      node: this.nodes,
      initializer: this.initializers,
      input: inputs.map(toValueInfo),
      output: outputs.map(toValueInfo),
      ...(docString === undefined ? {} : { docString }),
    };
  }

  private claimTensorName(name: string): void {
    if (this.tensorNames.has(name)) throw new Error(`ONNX graph already has a tensor named "${name}"`);
    this.tensorNames.add(name);
  }
}

function toValueInfo(spec: OnnxTensorSpec): onnx.IValueInfoProto {
  return {
    name: spec.name,
    type: {
      tensorType: {
        elemType: DATA_TYPES[spec.dtype],
        shape: {
          dim: spec.shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })),
        },
      },
    },
  };
}

const utf8 = (text: string) => new TextEncoder().encode(text);

function toAttribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: Type.STRING, s: utf8(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute "${name}": give floats as { floats: [...] }`);
    return { name, type: Type.INT, i: value };
  }
  if (!Array.isArray(value)) return { name, type: Type.FLOATS, floats: value.floats };
  // An empty list has no element type to go by; no operator this exporter emits needs one.
  if (value.length === 0) throw new Error(`attribute "${name}" is an empty list`);
  if (value.every((v): v is string => typeof v === 'string')) {
    return { name, type: Type.STRINGS, strings: value.map(utf8) };
  }
  const ints = value as number[];
  if (!ints.every(Number.isInteger)) throw new Error(`attribute "${name}": integer list expected`);
  return { name, type: Type.INTS, ints };
}
