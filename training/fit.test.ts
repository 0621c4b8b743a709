import { DescriptionEncoder, buildEncoderConfig } from '../models/encoder';
import { VARIANTS, type TextCnnVariant } from '../models/variants';
import { fit } from './fit';
import { buildModel } from './model/build';
import { loadTensorflow } from './tf/load';

const TEXTS = ['frozen shrimp', 'cotton t-shirt', 'frozen prawns', 'knitted cotton shirt'];
const variant: TextCnnVariant = {
  ...(VARIANTS.textcnn as TextCnnVariant),
  embeddingDim: 4,
  filtersPerKernel: 3,
  encoder: { ...VARIANTS.textcnn.encoder, maxLength: 8, minWordCount: 1, ngramBuckets: 16 },
};

/** A clock that moves `step` seconds each time it is read, whatever the machine does. */
function steppingClock(step: number): () => number {
  let now = 0;
  return () => (now += step * 1000);
}

async function fitWith(timeBudgetSeconds: number, clock: () => number) {
  const { tf } = await loadTensorflow({ prefer: 'wasm' });
  const encoder = new DescriptionEncoder(buildEncoderConfig(TEXTS, variant.encoder));
  const model = buildModel(
    tf,
    variant,
    { inputDim: encoder.inputDim, sequenceLength: encoder.config.maxLength, numClasses: 2 },
    3,
  );
  const data = { texts: TEXTS, labels: Int32Array.from([0, 1, 0, 1]) };
  const params = { ...variant.training, epochs: 4, patience: 10, batchSize: 2, timeBudgetSeconds };
  const result = await fit({
    tf,
    model,
    encoder,
    train: data,
    validation: data,
    params,
    seed: 3,
    now: clock,
  });
  model.dispose();
  return result;
}

describe('fit', () => {
  it('runs its fixed epochs however slow the clock says the machine is', async () => {
    const result = await fitWith(0, steppingClock(10_000));
    expect(result.history).toHaveLength(4);
    expect(result.stoppedBy).toBe('epochs');
  });

  it('stops on an explicit time budget and says so', async () => {
    // Each epoch reads the clock three times, 100 s apart: after one epoch, a second would end past 250 s.
    const result = await fitWith(250, steppingClock(100));
    expect(result.stoppedBy).toBe('time-budget');
    expect(result.history.length).toBeLessThan(4);
    expect(result.history.length).toBeGreaterThan(0);
  });
});
