import { app, type EventGridEvent } from '@azure/functions';
import { readFunctionEnv } from '../functions/function-env';
import { createRetrainHost, type RetrainHost } from '../functions/retrain-host';
import { keyOfBlobSubject } from './http-request';
import { openBlobStoreAt } from './store';

let host: RetrainHost | undefined;
let storeLocation = '';

/** BlobCreated under data/incoming/ (Event Grid) → the retrain job. */
export async function retrain(event: EventGridEvent): Promise<void> {
  if (!host) {
    const env = readFunctionEnv();
    storeLocation = env.store;
    host = createRetrainHost({ store: openBlobStoreAt(env.store), env });
  }
  const key = keyOfBlobSubject(event.subject, storeLocation);
  if (key) await host.objectCreated(key);
}

app.eventGrid('retrain', { handler: retrain });
