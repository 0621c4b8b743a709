import type { CloudEvent } from '@google-cloud/functions-framework';
import { readFunctionEnv } from '../functions/function-env';
import { createRetrainHost, type RetrainHost } from '../functions/retrain-host';
import type { StorageObjectData } from './http-request';
import { openGcsStoreAt } from './store';

let host: RetrainHost | undefined;

/** Storage "finalized" (a CloudEvent) → the retrain job; objects outside data/incoming/ are skipped. */
export async function retrain(event: CloudEvent<StorageObjectData>): Promise<void> {
  const name = event.data?.name;
  if (!name) return;
  if (!host) {
    const env = readFunctionEnv();
    host = createRetrainHost({ store: openGcsStoreAt(env.store), env });
  }
  await host.objectCreated(name);
}
