import type { ModelRef } from '../models/model-ref';
import { latestLocalModel } from '../runtime/local/local-models';
import { readRegistryState } from '../runtime/registry/registry-state';
import { LocalObjectStore } from '../runtime/store/local-store';

/**
 * The model a bench measures in a local store when none is named: what a newcomer's store serves
 * (the registry's champion), else the newest trained model. Says what to run when there is none.
 */
export async function benchModelRef(home: string, given: Partial<ModelRef> = {}): Promise<ModelRef> {
  if (given.variant && given.version) return { variant: given.variant, version: given.version };
  if (given.variant || given.version) throw new Error('pass both --variant and --version, or neither');
  const registered = await readRegistryState(new LocalObjectStore(home));
  if (registered) return registered.state.champion;
  const latest = latestLocalModel(home);
  if (latest) return latest;
  throw new Error(
    `${home} holds no registered or trained model: train one first (HSCODE_HOME=${home} npx hscode train), ` +
      'or pass --variant and --version of a model in it',
  );
}
