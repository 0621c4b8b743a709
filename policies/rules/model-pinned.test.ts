import { MODEL_SHA, STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING, without } from '../testing/run';
import { modelPinned } from './model-pinned';

const OTHER_SHA = 'f'.repeat(64);

describe('model-pinned', () => {
  itPassesEveryCompliantStack(modelPinned);

  it('refuses a function that pins no model or not a full sha256', async () => {
    const unset = mutate(STACKS.aws(), 'api', (p) => delete p.environment.variables.HSCODE_MODEL_SHA256);
    expect(await messagesOf(modelPinned, unset)).toEqual([
      "Function api does not pin a model (HSCODE_MODEL_SHA256 is '(unset)'): set environment.variables HSCODE_MODEL_SHA256 to the published model's sha256 (64 lower-case hex characters).",
    ]);
    const short = mutate(
      STACKS.gcp(),
      'retrain',
      (p) => (p.serviceConfig.environmentVariables.HSCODE_MODEL_SHA256 = MODEL_SHA.slice(0, 32)),
    );
    expect(await messagesOf(modelPinned, short)).toEqual([
      `Function retrain does not pin a model (HSCODE_MODEL_SHA256 is '${MODEL_SHA.slice(0, 32)}'): set serviceConfig.environmentVariables HSCODE_MODEL_SHA256 to the published model's sha256 (64 lower-case hex characters).`,
    ]);
  });

  it('refuses a pin whose manifest the stack does not publish', async () => {
    const expected = `Function api pins model ${OTHER_SHA}, but no manifest object in this stack has model_sha256 ${OTHER_SHA}: publish that model's manifest in this stack with metadata hscode_kind=model-manifest and model_sha256=${OTHER_SHA}.`;
    const azure = mutate(STACKS.azure(), 'api', (p) => (p.siteConfig.appSettings[1].value = OTHER_SHA));
    expect(await messagesOf(modelPinned, azure)).toEqual([expected]);
    const noManifest = mutate(
      without(STACKS.aws(), 'model-manifest'),
      'api',
      (p) => (p.environment.variables.HSCODE_MODEL_SHA256 = OTHER_SHA),
    );
    expect(await messagesOf(modelPinned, noManifest)).toEqual([expected]);
  });

  it('counts only objects that declare themselves model manifests', async () => {
    const unlabelled = mutate(STACKS.aws(), 'model-manifest', (p) => delete p.metadata.hscode_kind);
    expect(await messagesOf(modelPinned, unlabelled)).toHaveLength(1);
  });

  it('reports nothing while the pin or a manifest sha is unknown', async () => {
    const pin = mutate(
      STACKS.aws(),
      'api',
      (p) => (p.environment.variables.HSCODE_MODEL_SHA256 = UNKNOWN_STRING),
    );
    expect(await messagesOf(modelPinned, pin)).toEqual([]);
    const manifest = mutate(
      mutate(STACKS.gcp(), 'model-manifest', (p) => (p.metadata.model_sha256 = UNKNOWN_STRING)),
      'api',
      (p) => (p.serviceConfig.environmentVariables.HSCODE_MODEL_SHA256 = OTHER_SHA),
    );
    expect(await messagesOf(modelPinned, manifest)).toEqual([]);
  });
});
