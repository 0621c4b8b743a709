import type { EpochRecord } from '../models/manifest';

/** What the training loop tells whoever is watching; the CLI draws a bar, tests stay quiet. */
export interface TrainingProgress {
  epochStart(epoch: number, totalEpochs: number, batches: number): void;
  batch(done: number, metrics: { loss: number; acc: number }): void;
  epochEnd(record: EpochRecord): void;
  done(): void;
}

export const silentProgress: TrainingProgress = {
  epochStart: () => undefined,
  batch: () => undefined,
  epochEnd: () => undefined,
  done: () => undefined,
};
