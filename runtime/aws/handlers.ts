import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, S3Event } from 'aws-lambda';
import { readFunctionEnv } from '../functions/function-env';
import {
  createInferenceHost,
  type InferenceHost,
  type ObjectCreatedOutcome,
} from '../functions/inference-host';
import type { ScheduledJobsResult } from '../jobs/scheduled-jobs';
import { keyOfS3Record, requestOfEvent, resultOfResponse } from './http-event';
import { openS3StoreAt } from './store';

// Lambda handlers of the inference bundle (api, batch, jobs): translations of events into the
// cloud-neutral host, which is made once per warm instance.
let host: InferenceHost | undefined;
const inference = (): InferenceHost => {
  if (host) return host;
  const env = readFunctionEnv();
  host = createInferenceHost({ store: openS3StoreAt(env.store), env });
  return host;
};

/** API Gateway HTTP API or function URL → the public HTTP API. */
export async function api(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return resultOfResponse(await inference().http(requestOfEvent(event)));
}

/** S3 ObjectCreated under batch/in/ → batch predictions into batch/out/. */
export async function batch(event: S3Event): Promise<ObjectCreatedOutcome[]> {
  const outcomes: ObjectCreatedOutcome[] = [];
  for (const record of event.Records)
    outcomes.push(await inference().objectCreated(keyOfS3Record(record.s3.object.key)));
  return outcomes;
}

/** EventBridge Scheduler → the promote job and the drift check. */
export async function jobs(): Promise<ScheduledJobsResult> {
  return inference().scheduled();
}
