import { TRIGGER_PREFIXES } from '../../models/deployment';
import { retrainFromIncoming, type RetrainOutcome } from '../jobs/retrain';
import { Registry } from '../registry/registry';
import type { ObjectStore } from '../store/object-store';
import type { FunctionEnv } from './function-env';

/** The retrain bundle's one function: a labelled file landed under `data/incoming/`. */
export interface RetrainHost {
  objectCreated(key: string): Promise<RetrainOutcome>;
}

/**
 * Retraining on a storage event, whatever cloud sends it. The job's own claim makes a redelivered
 * event (every cloud delivers at least once) a no-op, and it returns only when the candidate is
 * published and the registry decision written.
 */
export function createRetrainHost(options: {
  store: ObjectStore;
  env: FunctionEnv;
  log?: (line: string) => void;
}): RetrainHost {
  const { store, env } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    async objectCreated(key) {
      if (!key.startsWith(TRIGGER_PREFIXES.retrain)) {
        return { status: 'skipped', reason: `${key} is not under ${TRIGGER_PREFIXES.retrain}` };
      }
      return retrainFromIncoming({
        store,
        registry: new Registry(store, { actor: 'retrain-job' }),
        key,
        log,
        config: {
          withDefaultCorpus: env.retrain.withDefaultCorpus,
          ...(env.retrain.epochs === undefined ? {} : { training: { epochs: env.retrain.epochs } }),
        },
      });
    },
  };
}
