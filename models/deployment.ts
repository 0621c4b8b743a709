/**
 * What every host deploys, decided once: the functions and what starts them, the environment
 * names the runtime reads, the store prefixes each function may touch, the job schedule and the
 * tags. The runtime reads it to start, the Pulumi program (which may import only `models/`)
 * translates it for each cloud, so a name changed here changes on every cloud at once.
 */

/** The deployable functions. `api` answers HTTP; the others are started by events. */
export const FUNCTION_ROLES = ['api', 'batch', 'retrain', 'jobs'] as const;
export type FunctionRole = (typeof FUNCTION_ROLES)[number];

/**
 * Which bundle carries each function: only `retrain` needs TensorFlow.js and the training code,
 * so everything else ships in the much smaller inference bundle.
 */
export const BUNDLE_ROLES = ['predict', 'retrain'] as const;
export type BundleRole = (typeof BUNDLE_ROLES)[number];
export const BUNDLE_OF: Readonly<Record<FunctionRole, BundleRole>> = {
  api: 'predict',
  batch: 'predict',
  jobs: 'predict',
  retrain: 'retrain',
};

/** Object-created triggers: a function runs for each new object under its prefix. */
export const TRIGGER_PREFIXES = {
  retrain: 'data/incoming/',
  batch: 'batch/in/',
} as const;

/** Where batch predictions land: `batch/out/<same name>.csv`. */
export const BATCH_OUTPUT_PREFIX = 'batch/out/';

/** The environment every deployed function is given, the same names on every cloud. */
export const FUNCTION_ENV = {
  /** The object store: `s3://bucket`, `gs://bucket`, `https://<account>.blob.core.windows.net/<container>`, or a local folder. */
  store: 'HSCODE_STORE',
  /** The model the deployment published (variant, version, ONNX sha256): logged and checked at start. */
  modelVariant: 'HSCODE_MODEL_VARIANT',
  modelVersion: 'HSCODE_MODEL_VERSION',
  modelSha256: 'HSCODE_MODEL_SHA256',
  /** `iam` (the cloud's identity decides who may call) or `public` (only when the stack says so). */
  auth: 'HSCODE_AUTH',
  /** `1` keeps description texts in audit and feedback records; otherwise only their sha256. */
  recordText: 'HSCODE_RECORD_TEXT',
} as const;

/**
 * Settings a function reads only when they are set: build-time values, test stand-ins and
 * per-function overrides. A deployment leaves most of them unset.
 */
export const OPTIONAL_FUNCTION_ENV = {
  /**
   * Only for S3- or Cloud Storage–compatible servers other than the cloud's own (the test
   * stand-ins): their URL. Unset in a deployment.
   */
  storeEndpoint: 'HSCODE_STORE_ENDPOINT',
  /** The code the bundle was built from (git commit), recorded in the manifests the retrain job writes. */
  codeVersion: 'HSCODE_CODE_VERSION',
  /** Retrain function only: override the variant's epoch count (small deployments, smoke tests). */
  retrainEpochs: 'HSCODE_RETRAIN_EPOCHS',
  /**
   * Azure only: the jobs timer's NCRONTAB schedule, read by the trigger as `%HSCODE_JOBS_SCHEDULE%`
   * so the interval is decided by JOB_SCHEDULE in the deployment, not in the bundle.
   */
  jobsSchedule: 'HSCODE_JOBS_SCHEDULE',
  /** Retrain function only: `0` trains on feedback and the new file without the default corpus. */
  retrainWithDefaultCorpus: 'HSCODE_RETRAIN_WITH_DEFAULT_CORPUS',
  /**
   * Inference function: the longest, in milliseconds, a prediction waits for concurrent ones to
   * share its model call (default 1; 0 = only those read in the same event-loop turn).
   */
  coalesceWaitMs: 'HSCODE_COALESCE_WAIT_MS',
} as const;

export type AuthMode = 'iam' | 'public';

/**
 * Traffic share a newly registered challenger starts with (the promote job ramps it from there),
 * whether the retrain job or a deployment registered it.
 */
export const NEW_MODEL_WEIGHT = 0.1;

/** How often the promote job and the drift check run on a schedule, on every cloud. */
export const JOB_SCHEDULE = { promoteEveryMinutes: 15 } as const;

/** Tag (label) keys every taggable resource carries; valid on AWS, GCP and Azure alike. */
export const TAG_KEYS = {
  owner: 'owner',
  costCentre: 'cost-centre',
  dataClassification: 'data-classification',
  modelVariant: 'model-variant',
  modelSha256: 'model-sha256',
} as const;

/**
 * Metadata on the objects the deployment publishes, so the policy pack can check lineage without
 * reading bodies. Underscored keys: Azure blob metadata names must be C# identifiers.
 */
export const OBJECT_METADATA = {
  kind: 'hscode_kind',
  modelVariant: 'model_variant',
  modelVersion: 'model_version',
  modelSha256: 'model_sha256',
  dataSha256: 'data_sha256',
  seed: 'seed',
  codeVersion: 'code_version',
  stoppedBy: 'stopped_by',
  bundleSha256: 'bundle_sha256',
} as const;

export const OBJECT_KINDS = { manifest: 'model-manifest', bundle: 'function-bundle' } as const;

/** Function code objects are named by content: `functions/<sha256>.zip`. */
export const bundleObjectKey = (sha256: string) => `functions/${sha256}.zip`;
