import type { backend_util } from '@tensorflow/tfjs';

type ConvInfo = backend_util.Conv2DInfo;

/** Rows are output positions (batch, outRow, outCol); columns are (filterRow, filterCol, inChannel). */
export function patchMatrixShape(info: ConvInfo): [number, number] {
  return [
    info.batchSize * info.outHeight * info.outWidth,
    info.filterHeight * info.filterWidth * info.inChannels,
  ];
}

function isPadded(info: ConvInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return top !== 0 || bottom !== 0 || left !== 0 || right !== 0;
}

/**
 * Calls `visit(row, column, inputOffset)` for every filter tap of every output position that
 * falls inside the (unpadded) NHWC input, in row order; each visit covers `inChannels`
 * consecutive floats of the input and of the patch row. Taps in the padding are skipped, so
 * the caller decides what they hold.
 */
function forEachTap(info: ConvInfo, visit: (row: number, column: number, inputOffset: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  let row = 0;
  for (let b = 0; b < batchSize; b++) {
    const batchOffset = b * inHeight * inWidth * inChannels;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, row++) {
        let column = 0;
        for (let fh = 0; fh < filterHeight; fh++) {
          const ih = oh * strideHeight - top + fh * dilationHeight;
          for (let fw = 0; fw < filterWidth; fw++, column += inChannels) {
            const iw = ow * strideWidth - left + fw * dilationWidth;
            if (ih < 0 || ih >= inHeight || iw < 0 || iw >= inWidth) continue;
            visit(row, column, batchOffset + (ih * inWidth + iw) * inChannels);
          }
        }
      }
    }
  }
}

/** Gathers the input windows into the patch matrix (im2col); padding taps become zeros. */
export function fillPatches(info: ConvInfo, input: Float32Array, patches: Float32Array): void {
  const channels = info.inChannels;
  const columns = patchMatrixShape(info)[1];
  if (isPadded(info)) patches.fill(0);
  forEachTap(info, (row, column, from) => {
    const to = row * columns + column;
    for (let c = 0; c < channels; c++) patches[to + c] = input[from + c] as number;
  });
}

/**
 * The transposed patch matrix, written directly (saves a transpose of the largest matrix of a
 * convolution's gradient). Taps come in row order, so successive writes to each patch column
 * land in cache lines that are already loaded.
 */
export function fillPatchesTransposed(info: ConvInfo, input: Float32Array, patchesT: Float32Array): void {
  const channels = info.inChannels;
  const rows = patchMatrixShape(info)[0];
  if (isPadded(info)) patchesT.fill(0);
  forEachTap(info, (row, column, from) => {
    for (let c = 0; c < channels; c++) patchesT[(column + c) * rows + row] = input[from + c] as number;
  });
}

/** Adds every patch back onto the input position it came from (col2im); `input` must start at zero. */
export function addPatches(info: ConvInfo, patches: Float32Array, input: Float32Array): void {
  const channels = info.inChannels;
  const columns = patchMatrixShape(info)[1];
  forEachTap(info, (row, column, to) => {
    const from = row * columns + column;
    for (let c = 0; c < channels; c++)
      input[to + c] = (input[to + c] as number) + (patches[from + c] as number);
  });
}
