import { app, type EventGridEvent, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { FUNCTION_ENV, OPTIONAL_FUNCTION_ENV } from '../../models/deployment';
import { readFunctionEnv } from '../functions/function-env';
import { createInferenceHost, type InferenceHost } from '../functions/inference-host';
import { keyOfBlobSubject, requestOf, responseOf } from './http-request';
import { openBlobStoreAt } from './store';

// Azure Functions (v4 programming model) of the inference bundle: translations of HTTP, Event
// Grid and timer invocations into the cloud-neutral host.
let host: InferenceHost | undefined;
let storeLocation = '';
const inference = (): InferenceHost => {
  if (host) return host;
  const env = readFunctionEnv();
  storeLocation = env.store;
  host = createInferenceHost({ store: openBlobStoreAt(env.store), env });
  return host;
};

/** HTTP → the public API. */
export async function api(request: HttpRequest): Promise<HttpResponseInit> {
  return responseOf(await inference().http(await requestOf(request)));
}

/**
 * BlobCreated from the storage account's Event Grid system topic (Flex Consumption has only
 * Event Grid–based blob triggers) → batch predictions; the host reads the blob itself, streamed,
 * rather than receiving its whole content as the trigger's input.
 */
export async function batch(event: EventGridEvent): Promise<void> {
  const running = inference();
  const key = keyOfBlobSubject(event.subject, storeLocation);
  if (key) await running.objectCreated(key);
}

/** The timer → the promote job and the drift check. */
export async function jobs(): Promise<void> {
  await inference().scheduled();
}

// Every path under the app's root (host.json sets no route prefix), behind a function key unless public.
app.http('api', {
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  authLevel: process.env[FUNCTION_ENV.auth] === 'public' ? 'anonymous' : 'function',
  route: '{*path}',
  handler: api,
});
app.eventGrid('batch', { handler: batch });
app.timer('jobs', { schedule: `%${OPTIONAL_FUNCTION_ENV.jobsSchedule}%`, handler: jobs });
