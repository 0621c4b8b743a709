import type * as tf from '@tensorflow/tfjs';
import type { OnnxGraphBuilder } from './graph-builder';

/**
 * Axis order of a tensor in the ONNX graph, one letter per axis: N batch, L steps, C channels.
 * tfjs keeps sequences as NLC; ONNX Conv wants NCL and ONNX GRU wants LNC, so a sequence is
 * transposed only when (and once for each layout) a consumer needs it.
 */
export type SequenceLayout = 'NLC' | 'NCL' | 'LNC';
export type Layout = 'ids' | 'NC' | SequenceLayout;

export interface ExportedTensor {
  name: string;
  layout: Layout;
}

/** What a converter gets for one tfjs layer. */
export interface LayerContext {
  graph: OnnxGraphBuilder;
  layer: tf.layers.Layer;
  inputs: ExportedTensor[];
  /** The name the layer's output tensor must have (the contract's name for the model output). */
  outputName: string;
  /** Store this layer's matrix as int8 (see layers/int8-gemm.ts): set for the output layer on request. */
  int8Weights?: boolean;
  /** The name of `tensor` in `layout`, adding a shared Transpose the first time it is asked for. */
  inLayout(tensor: ExportedTensor, layout: SequenceLayout): string;
}

export type LayerConverter = (context: LayerContext) => ExportedTensor;

export function isSequence(layout: Layout): layout is SequenceLayout {
  return layout === 'NLC' || layout === 'NCL' || layout === 'LNC';
}

/** The Transpose perm that turns `from` into `to`. */
export function permutation(from: SequenceLayout, to: SequenceLayout): number[] {
  return [...to].map((axis) => from.indexOf(axis));
}
