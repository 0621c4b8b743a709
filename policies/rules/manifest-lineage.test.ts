import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING } from '../testing/run';
import { manifestLineage } from './manifest-lineage';

describe('manifest-lineage', () => {
  itPassesEveryCompliantStack(manifestLineage);

  it('refuses a manifest without its data sha256, seed or code version', async () => {
    const stack = mutate(STACKS.aws(), 'model-manifest', (p) => {
      delete p.metadata.data_sha256;
      p.metadata.seed = '4.2';
      p.metadata.code_version = '';
    });
    expect(await messagesOf(manifestLineage, stack)).toEqual([
      "Model manifest model-manifest has no metadata data_sha256: set it to the training data's sha256 (64 lower-case hex characters).",
      "Model manifest model-manifest has an unusable metadata seed ('4.2'): set it to the non-negative integer seed the run used.",
      "Model manifest model-manifest has an unusable metadata code_version (''): set it to the commit the model was trained from.",
    ]);
  });

  it('refuses a model whose training the wall clock cut short, and one that does not say how it stopped', async () => {
    const budget = mutate(STACKS.gcp(), 'model-manifest', (p) => (p.metadata.stopped_by = 'time-budget'));
    expect(await messagesOf(manifestLineage, budget)).toEqual([
      'Model manifest model-manifest comes from a run stopped by its time budget, which cannot be reproduced: retrain with enough epochs or early stopping and publish that model instead.',
    ]);
    const silent = mutate(STACKS.azure(), 'model-manifest', (p) => delete p.metadata.stopped_by);
    expect(await messagesOf(manifestLineage, silent)).toEqual([
      "Model manifest model-manifest has no metadata stopped_by: set it to how training ended: 'epochs', 'early-stopping' or 'external'.",
    ]);
  });

  it('refuses a model sha256 that is not 64 hex characters, and skips values unknown in a preview', async () => {
    const upper = mutate(
      STACKS.aws(),
      'model-manifest',
      (p) => (p.metadata.model_sha256 = p.metadata.model_sha256.toUpperCase()),
    );
    expect(await messagesOf(manifestLineage, upper)).toHaveLength(1);
    const unknown = mutate(STACKS.aws(), 'model-manifest', (p) => (p.metadata.data_sha256 = UNKNOWN_STRING));
    expect(await messagesOf(manifestLineage, unknown)).toEqual([]);
  });
});
