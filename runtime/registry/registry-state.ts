import { storeKeys } from '../../models/store-layout';
import { type ModelRef, isModelRef } from '../../models/model-ref';
import { assertValidRoutingState, type RoutingState } from '../core/router';
import { PreconditionFailedError, type ObjectStore } from '../store/object-store';
import { errorMessage } from '../core/errors';

/** `registry/state.json`: who serves now. Every write is conditional on the version that was read. */
export interface RegistryState extends RoutingState {
  schemaVersion: 1;
  /** Counts writes, so two readers can tell which state is newer without clocks. */
  revision: number;
  /** The champion before the last promotion: what a rollback returns to. */
  fallback: ModelRef | null;
}

export interface VersionedState {
  state: RegistryState;
  /** The store's version of state.json, for the next conditional write. */
  version: string;
}

export class InvalidRegistryStateError extends Error {
  constructor(message: string) {
    super(`${storeKeys.registryState}: ${message}`);
    this.name = 'InvalidRegistryStateError';
  }
}

/** Parses and checks a state document; a state that routes nowhere is an error, not a default. */
export function parseRegistryState(body: Uint8Array | string): RegistryState {
  let state: RegistryState;
  try {
    state = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as RegistryState;
  } catch (err) {
    throw new InvalidRegistryStateError(`not JSON (${errorMessage(err)})`);
  }
  if (state?.schemaVersion !== 1) throw new InvalidRegistryStateError('schemaVersion must be 1');
  if (!isModelRef(state.champion)) throw new InvalidRegistryStateError('champion must be {variant, version}');
  if (!Array.isArray(state.challengers) || !state.challengers.every(isModelRef)) {
    throw new InvalidRegistryStateError('challengers must be a list of {variant, version, weight}');
  }
  if (!Array.isArray(state.shadows) || !state.shadows.every(isModelRef)) {
    throw new InvalidRegistryStateError('shadows must be a list of {variant, version}');
  }
  if (!Number.isInteger(state.revision) || state.revision < 0) {
    throw new InvalidRegistryStateError('revision must be a whole number');
  }
  if (state.fallback !== null && !isModelRef(state.fallback)) {
    throw new InvalidRegistryStateError('fallback must be {variant, version} or null');
  }
  try {
    assertValidRoutingState(state);
  } catch (err) {
    throw new InvalidRegistryStateError(errorMessage(err));
  }
  return state;
}

export async function readRegistryState(store: ObjectStore): Promise<VersionedState | undefined> {
  const object = await store.get(storeKeys.registryState);
  if (!object) return undefined;
  return { state: parseRegistryState(object.body), version: object.version };
}

export const serialiseState = (state: RegistryState): string => `${JSON.stringify(state, null, 2)}\n`;

/**
 * Makes `ref` the champion of an empty registry. When a state exists it is left alone (a
 * registry with a champion already has an owner: the promote job); a lost race to create it
 * is not an error, the winner's state is returned.
 */
export async function ensureChampion(store: ObjectStore, ref: ModelRef): Promise<VersionedState> {
  const existing = await readRegistryState(store);
  if (existing) return existing;
  const state: RegistryState = {
    schemaVersion: 1,
    revision: 1,
    champion: { variant: ref.variant, version: ref.version },
    challengers: [],
    shadows: [],
    fallback: null,
  };
  try {
    const { version } = await store.put(storeKeys.registryState, serialiseState(state), { ifVersion: null });
    return { state, version };
  } catch (err) {
    if (!(err instanceof PreconditionFailedError)) throw err;
    const winner = await readRegistryState(store);
    if (!winner) throw err;
    return winner;
  }
}

/**
 * The routing state for every request, re-read at most every `ttlMs` so a promotion reaches a
 * running server within that time without a store read per request. A failed re-read keeps
 * the previous state in service.
 */
export function cachedRoutingState(
  store: ObjectStore,
  ttlMs = 2000,
  now: () => number = Date.now,
): () => Promise<RoutingState> {
  let cached: { state: RoutingState; at: number } | undefined;
  let refreshing: Promise<RoutingState> | undefined;
  const refresh = async (): Promise<RoutingState> => {
    try {
      const read = await readRegistryState(store);
      if (!read) throw new InvalidRegistryStateError('missing: register a champion first');
      cached = { state: read.state, at: now() };
      return read.state;
    } catch (err) {
      if (!cached) throw err;
      cached = { ...cached, at: now() };
      throw err;
    } finally {
      refreshing = undefined;
    }
  };
  return async () => {
    if (cached && now() - cached.at < ttlMs) return cached.state;
    refreshing ??= refresh();
    return refreshing;
  };
}
