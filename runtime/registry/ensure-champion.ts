import { bareModelRef, type ModelRef } from '../../models/model-ref';
import { storeKeys } from '../../models/store-layout';
import { PreconditionFailedError, type ObjectStore } from '../store/object-store';
import { Registry } from './registry';
import { readRegistryState, serialiseState, type RegistryState, type VersionedState } from './registry-state';

/**
 * Makes `ref` the champion of an empty registry and records that as the history's first entry.
 * When a state exists it is left alone (a registry with a champion already has an owner: the
 * promote job), except that a seed (a first state with no entry yet, as a deployment writes it)
 * or a history an older version wrote is anchored. A lost race to create the state is not an
 * error: the winner's state is returned.
 */
export async function ensureChampion(
  store: ObjectStore,
  ref: ModelRef,
  options: { actor?: string; now?: () => Date } = {},
): Promise<VersionedState> {
  const existing = await readRegistryState(store);
  if (!existing) {
    const seed: RegistryState = {
      schemaVersion: 1,
      revision: 1,
      champion: bareModelRef(ref),
      challengers: [],
      shadows: [],
      fallback: null,
    };
    try {
      await store.put(storeKeys.registryState, serialiseState(seed), { ifVersion: null });
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
    }
  } else if (existing.head) {
    return existing;
  }
  await new Registry(store, { actor: options.actor ?? 'registry', now: options.now }).ensureAnchored();
  const anchored = await readRegistryState(store);
  if (!anchored) throw new Error(`${storeKeys.registryState} disappeared while it was being created`);
  return anchored;
}
