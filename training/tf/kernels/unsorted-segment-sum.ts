import {
  UnsortedSegmentSum,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs';
import { allocate, asWasm } from './wasm-heap';

/**
 * The embedding gradient (GatherV2's gradient calls UnsortedSegmentSum with one segment per
 * vocabulary row). The wasm backend has no such kernel and the CPU one loops over every segment;
 * this one clears the output once and adds each row of `x` into its segment, O(x.size).
 * Ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  util.assert(
    util.arraysEqual(x.shape.slice(0, segmentIds.shape.length), segmentIds.shape),
    () => `segmentIds shape ${segmentIds.shape} must prefix x shape ${x.shape}`,
  );
  const wasm = asWasm(backend);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = util.sizeFromShape(innerShape);
  const out = allocate(wasm, [numSegments, ...innerShape], x.dtype);
  const dst = wasm.typedArrayFromHeap(out);
  const src = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  dst.fill(0);
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row] as number;
    if (id < 0 || id >= numSegments) continue;
    const from = row * inner;
    const to = id * inner;
    for (let j = 0; j < inner; j++) dst[to + j] = (dst[to + j] as number) + (src[from + j] as number);
  }
  return out;
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
