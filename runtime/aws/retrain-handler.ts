import type { S3Event } from 'aws-lambda';
import { readFunctionEnv } from '../functions/function-env';
import { createRetrainHost, type RetrainHost } from '../functions/retrain-host';
import type { RetrainOutcome } from '../jobs/retrain';
import { keyOfS3Record } from './http-event';
import { openS3StoreAt } from './store';

let host: RetrainHost | undefined;

/** S3 ObjectCreated under data/incoming/ → the retrain job (the retrain bundle's only handler). */
export async function retrain(event: S3Event): Promise<RetrainOutcome[]> {
  if (!host) {
    const env = readFunctionEnv();
    host = createRetrainHost({ store: openS3StoreAt(env.store), env });
  }
  const outcomes: RetrainOutcome[] = [];
  for (const record of event.Records)
    outcomes.push(await host.objectCreated(keyOfS3Record(record.s3.object.key)));
  return outcomes;
}
