import { cloudEvent, http, type CloudEvent } from '@google-cloud/functions-framework';
import { readFunctionEnv } from '../functions/function-env';
import { createInferenceHost, type InferenceHost } from '../functions/inference-host';
import { requestOf, send, type StorageObjectData } from './http-request';
import { openGcsStoreAt } from './store';

// Cloud Functions (2nd gen) of the inference bundle, registered with the functions framework
// under the names the deployment targets: translations into the cloud-neutral host.
let host: InferenceHost | undefined;
const inference = (): InferenceHost => {
  if (host) return host;
  const env = readFunctionEnv();
  host = createInferenceHost({ store: openGcsStoreAt(env.store), env });
  return host;
};

/** HTTP → the public API (Cloud Run's IAM invoker check has already run). */
http('api', async (req, res) => send(res, await inference().http(requestOf(req))));

/**
 * Storage "finalized" → batch predictions. The trigger fires for every object of the bucket:
 * the host skips those outside batch/in/.
 */
cloudEvent('batch', async (event: CloudEvent<StorageObjectData>) => {
  const name = event.data?.name;
  if (name) await inference().objectCreated(name);
});

/** Cloud Scheduler (OIDC-authenticated HTTP) → the promote job and the drift check. */
http('jobs', async (_req, res) => {
  const result = await inference().scheduled();
  res.status(200).json({ evaluations: result.evaluations, drift: result.drift.drift.status });
});
