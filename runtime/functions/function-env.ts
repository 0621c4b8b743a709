import { FUNCTION_ENV, type AuthMode, OPTIONAL_FUNCTION_ENV } from '../../models/deployment';

/** What a function instance is told by its environment (see FUNCTION_ENV). */
export interface FunctionEnv {
  /** The object store's location: a cloud URL or a local folder. */
  store: string;
  recordText: boolean;
  auth: AuthMode;
  /** The model the deployment published, when it says. */
  pinned?: { variant: string; version: string; sha256: string };
  retrain: { epochs?: number; withDefaultCorpus: boolean };
  /** The coalescing wait bound, when the environment sets one (see OPTIONAL_FUNCTION_ENV). */
  coalesceWaitMs?: number;
}

export class FunctionEnvError extends Error {
  constructor(message: string) {
    super(`function environment: ${message}`);
    this.name = 'FunctionEnvError';
  }
}

const flag = (value: string | undefined, name: string, fallback: boolean): boolean => {
  if (value === undefined || value === '') return fallback;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new FunctionEnvError(`${name} is ${JSON.stringify(value)}; use 1 or 0`);
};

/** Reads and checks the function's environment; each wrong value is named with what is allowed. */
export function readFunctionEnv(env: NodeJS.ProcessEnv = process.env): FunctionEnv {
  const store = env[FUNCTION_ENV.store];
  if (!store) {
    throw new FunctionEnvError(
      `${FUNCTION_ENV.store} is not set: it names the object store (s3://bucket, gs://bucket, an Azure container URL, or a local folder)`,
    );
  }
  const auth = env[FUNCTION_ENV.auth] ?? 'iam';
  if (auth !== 'iam' && auth !== 'public') {
    throw new FunctionEnvError(`${FUNCTION_ENV.auth} is ${JSON.stringify(auth)}; use iam or public`);
  }
  const variant = env[FUNCTION_ENV.modelVariant];
  const version = env[FUNCTION_ENV.modelVersion];
  const sha256 = env[FUNCTION_ENV.modelSha256];
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new FunctionEnvError(`${FUNCTION_ENV.modelSha256} must be 64 lower-case hex characters`);
  }
  const epochsText = env[OPTIONAL_FUNCTION_ENV.retrainEpochs];
  const epochs = epochsText === undefined || epochsText === '' ? undefined : Number(epochsText);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1)) {
    throw new FunctionEnvError(
      `${OPTIONAL_FUNCTION_ENV.retrainEpochs} is ${JSON.stringify(epochsText)}; use a whole number ≥ 1`,
    );
  }
  const waitText = env[OPTIONAL_FUNCTION_ENV.coalesceWaitMs];
  const coalesceWaitMs = waitText === undefined || waitText === '' ? undefined : Number(waitText);
  if (coalesceWaitMs !== undefined && !(coalesceWaitMs >= 0 && coalesceWaitMs <= 1000)) {
    throw new FunctionEnvError(
      `${OPTIONAL_FUNCTION_ENV.coalesceWaitMs} is ${JSON.stringify(waitText)}; use milliseconds from 0 to 1000`,
    );
  }
  return {
    store,
    ...(coalesceWaitMs === undefined ? {} : { coalesceWaitMs }),
    recordText: flag(env[FUNCTION_ENV.recordText], FUNCTION_ENV.recordText, false),
    auth,
    ...(variant && version && sha256 ? { pinned: { variant, version, sha256 } } : {}),
    retrain: {
      ...(epochs === undefined ? {} : { epochs }),
      withDefaultCorpus: flag(
        env[OPTIONAL_FUNCTION_ENV.retrainWithDefaultCorpus],
        OPTIONAL_FUNCTION_ENV.retrainWithDefaultCorpus,
        true,
      ),
    },
  };
}
