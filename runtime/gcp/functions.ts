import type { CloudEvent, Request, Response } from '@google-cloud/functions-framework';
import { readFunctionEnv } from '../functions/function-env';
import { createInferenceHost, type InferenceHost } from '../functions/inference-host';
import { requestOf, send, type StorageObjectData } from './http-request';
import { openGcsStoreAt } from './store';

// Cloud Functions (2nd gen) of the inference bundle, exported by the names the deployment targets.
// Exported rather than registered with the functions framework: the platform runs its own copy of
// the framework, which finds exported functions by name, so the bundle carries no framework copy
// whose registry the platform would never see.
let host: InferenceHost | undefined;
const inference = (): InferenceHost => {
  if (host) return host;
  const env = readFunctionEnv();
  host = createInferenceHost({ store: openGcsStoreAt(env.store), env });
  return host;
};

/** HTTP → the public API (Cloud Run's IAM invoker check has already run). */
export async function api(req: Request, res: Response): Promise<void> {
  send(res, await inference().http(requestOf(req)));
}

/**
 * Storage "finalized" (a CloudEvent) → batch predictions. The trigger fires for every object of
 * the bucket: the host skips those outside batch/in/.
 */
export async function batch(event: CloudEvent<StorageObjectData>): Promise<void> {
  const name = event.data?.name;
  if (name) await inference().objectCreated(name);
}

/** Cloud Scheduler (OIDC-authenticated HTTP) → the promote job and the drift check. */
export async function jobs(_req: Request, res: Response): Promise<void> {
  const result = await inference().scheduled();
  res.status(200).json({ evaluations: result.evaluations, drift: result.drift.drift.status });
}
