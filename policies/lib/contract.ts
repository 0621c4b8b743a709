/**
 * The names of the deployment contract this pack checks. They mirror `models/deployment.ts`: the
 * pack runs on its own under `pulumi preview --policy-pack`, so it imports nothing of the project,
 * and `tests/policy-contract.test.ts` fails as soon as the two drift apart.
 */

/** Environment variables every function reads. */
export const FUNCTION_ENV = {
  modelSha256: 'HSCODE_MODEL_SHA256',
  auth: 'HSCODE_AUTH',
} as const;

/** Tag (label) keys every taggable resource carries. */
export const TAG_KEYS = [
  'owner',
  'cost-centre',
  'data-classification',
  'model-variant',
  'model-sha256',
] as const;

/** The tag that holds the model's sha256 (GCP labels keep its first 32 hex characters). */
export const MODEL_SHA_TAG = 'model-sha256';

/** Metadata keys on the objects the deployment publishes. */
export const OBJECT_METADATA = {
  kind: 'hscode_kind',
  modelSha256: 'model_sha256',
  dataSha256: 'data_sha256',
  seed: 'seed',
  codeVersion: 'code_version',
  stoppedBy: 'stopped_by',
  bundleSha256: 'bundle_sha256',
} as const;

export const OBJECT_KINDS = { manifest: 'model-manifest' } as const;

/** A function's code object, named by content: `functions/<sha256>.zip`. */
export const BUNDLE_KEY = /^functions\/([0-9a-f]{64})\.zip$/;

/** The `stopped_by` value of a training run cut short by the wall clock. */
export const TIME_BUDGET_STOP = 'time-budget';
