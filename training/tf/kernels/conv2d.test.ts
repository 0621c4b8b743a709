import type * as tfType from '@tensorflow/tfjs';
import { loadTensorflow } from '../load';
import { maxAbsDiff, onWasmAndCpu, seededValues } from './compare-backends';

beforeAll(() => loadTensorflow({ prefer: 'wasm' }));

type Pad = 'valid' | 'same' | number;
// [input NHWC, filter HWIO, strides, padding]: conv1d as the Text-CNN runs it, then 2-D ones
// with strides and padding so that im2col's edge handling is exercised.
const CASES: [number[], number[], number | [number, number], Pad][] = [
  [[3, 1, 12, 5], [1, 3, 5, 4], 1, 'valid'],
  [[2, 1, 9, 4], [1, 4, 4, 6], 1, 'same'],
  [[2, 5, 7, 3], [2, 3, 3, 4], 2, 'same'],
  [[2, 6, 5, 3], [3, 2, 3, 2], [2, 1], 1],
];

function conv(
  tf: typeof tfType,
  xShape: number[],
  fShape: number[],
  strides: number | [number, number],
  pad: Pad,
) {
  const x = tf.tensor4d(
    seededValues(
      xShape.reduce((a, b) => a * b),
      21,
    ),
    xShape as [number, number, number, number],
  );
  const f = tf.tensor4d(
    seededValues(
      fShape.reduce((a, b) => a * b),
      22,
    ),
    fShape as [number, number, number, number],
  );
  return { x, f, run: (xx: tfType.Tensor4D, ff: tfType.Tensor4D) => tf.conv2d(xx, ff, strides, pad) };
}

describe('Conv2D and its gradients on wasm', () => {
  it.each(CASES)('input %j, filter %j, strides %j, pad %j: forward matches the CPU backend', async (...c) => {
    const { wasm, cpu } = await onWasmAndCpu((tf) => {
      const { x, f, run } = conv(tf, ...c);
      return run(x, f);
    });
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
  });

  it.each(CASES)(
    'input %j, filter %j, strides %j, pad %j: input and filter gradients match',
    async (...c) => {
      const { wasm, cpu } = await onWasmAndCpu((tf) => {
        const { x, f, run } = conv(tf, ...c);
        const weights = tf.tensor(seededValues(run(x, f).size, 23));
        const loss = (xx: tfType.Tensor, ff: tfType.Tensor) =>
          run(xx as tfType.Tensor4D, ff as tfType.Tensor4D)
            .flatten()
            .mul(weights)
            .sum();
        return tf.grads(loss)([x, f]);
      });
      expect(wasm).toHaveLength(2);
      expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
    },
  );

  it('conv2dTranspose (Conv2DBackpropInput) matches the CPU backend', async () => {
    const { wasm, cpu } = await onWasmAndCpu((tf) => {
      const dy = tf.tensor4d(seededValues(2 * 3 * 4 * 6, 24), [2, 3, 4, 6]);
      const f = tf.tensor4d(seededValues(2 * 2 * 5 * 6, 25), [2, 2, 5, 6]);
      return tf.conv2dTranspose(dy, f, [2, 6, 8, 5], 2, 'same');
    });
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
  });
});
