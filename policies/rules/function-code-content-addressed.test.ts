import { BUNDLE_KEY, BUNDLE_SHA, STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING, without } from '../testing/run';
import { functionCodeContentAddressed } from './function-code-content-addressed';

const FIX =
  'upload the bundle as functions/<its sha256>.zip with metadata bundle_sha256=<that sha256> in this stack.';
const policy = functionCodeContentAddressed;

describe('function-code-content-addressed', () => {
  itPassesEveryCompliantStack(policy);

  it('refuses a Lambda whose code object is not named by its sha256, or runs inline code', async () => {
    const named = mutate(STACKS.aws(), 'api', (p) => (p.s3Key = 'functions/predict-latest.zip'));
    expect(await messagesOf(policy, named)).toEqual([
      `Function api is not deployed by content: its code object 'functions/predict-latest.zip' is not named functions/<sha256>.zip; ${FIX}`,
    ]);
    const inline = mutate(STACKS.aws(), 'api', (p) => delete p.s3Key);
    expect(await messagesOf(policy, inline)).toEqual([
      `Function api is not deployed by content: it does not run code from a stored object; ${FIX}`,
    ]);
  });

  it('refuses a GCP function whose code object is missing or labelled with another sha256', async () => {
    expect(await messagesOf(policy, without(STACKS.gcp(), 'predict-bundle'))).toEqual(
      ['api', 'retrain'].map(
        (fn) =>
          `Function ${fn} is not deployed by content: its code object ${BUNDLE_KEY} is not published in this stack; ${FIX}`,
      ),
    );
    const mislabelled = mutate(
      STACKS.gcp(),
      'predict-bundle',
      (p) => (p.metadata.bundle_sha256 = 'e'.repeat(64)),
    );
    expect(await messagesOf(policy, mislabelled)).toHaveLength(2);
    expect((await messagesOf(policy, mislabelled))[0]).toBe(
      `Function api is not deployed by content: its code object ${BUNDLE_KEY} carries bundle_sha256 '${'e'.repeat(64)}', not the sha256 in its name; ${FIX}`,
    );
  });

  it("checks the blobs in an Azure function app's deployment container", async () => {
    expect(await messagesOf(policy, without(STACKS.azure(), 'predict-bundle'))).toEqual([
      `Function api is not deployed by content: its deployment container deployments holds no code blob; ${FIX}`,
    ]);
    const renamed = mutate(STACKS.azure(), 'predict-bundle', (p) => (p.blobName = 'released-package.zip'));
    expect(await messagesOf(policy, renamed)).toEqual([
      `Function api is not deployed by content: its code object 'released-package.zip' is not named functions/<sha256>.zip; ${FIX}`,
    ]);
  });

  it('finds the Azure deployment container through the engine-recorded dependency while its URL is unknown', async () => {
    const container = 'urn:pulumi:stack::project::azure-native:storage:BlobContainer::deployments';
    const unknownUrl = mutate(
      STACKS.azure(),
      'api',
      (p) => (p.functionAppConfig.deployment.storage.value = UNKNOWN_STRING),
    );
    expect(await messagesOf(policy, unknownUrl)).toEqual([]);
    const recorded = without(unknownUrl, 'predict-bundle').map((r) =>
      r.name === 'api' ? { ...r, propertyDependencies: { functionAppConfig: [container] } } : r,
    );
    expect(await messagesOf(policy, recorded)).toEqual([
      `Function api is not deployed by content: its deployment container deployments holds no code blob; ${FIX}`,
    ]);
  });

  it('reports nothing while a code key or a bundle label is unknown', async () => {
    const key = mutate(STACKS.aws(), 'api', (p) => (p.s3Key = UNKNOWN_STRING));
    const label = mutate(STACKS.gcp(), 'predict-bundle', (p) => (p.metadata.bundle_sha256 = UNKNOWN_STRING));
    expect(await messagesOf(policy, [...key, ...label])).toEqual([]);
    expect(BUNDLE_KEY).toBe(`functions/${BUNDLE_SHA}.zip`);
  });
});
