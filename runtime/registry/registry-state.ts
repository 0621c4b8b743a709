import { storeKeys } from '../../models/store-layout';
import { type ModelRef, isModelRef } from '../../models/model-ref';
import { assertValidRoutingState, type RoutingState } from '../core/router';
import type { ObjectStore } from '../store/object-store';
import { errorMessage } from '../core/errors';

/** `registry/state.json`: who serves now. Every write is conditional on the version that was read. */
export interface RegistryState extends RoutingState {
  schemaVersion: 1;
  /** Counts writes, so two readers can tell which state is newer without clocks. */
  revision: number;
  /** The champion before the last promotion: what a rollback returns to. */
  fallback: ModelRef | null;
}

/**
 * The history entry a state.json was written for: its seq and sha256. Recorded beside the state
 * (never inside a history entry, which cannot hold its own hash), so that removing or rewriting
 * the newest entries shows up as a head that no longer matches the chain.
 */
export interface HistoryHead {
  seq: number;
  sha256: string;
}

export interface VersionedState {
  state: RegistryState;
  /** The store's version of state.json, for the next conditional write. */
  version: string;
  /**
   * The history entry this state was written for; null for a seed (the first state, written by
   * `ensureChampion` or a deployment before any entry) or a state an older version wrote.
   */
  head: HistoryHead | null;
}

export class InvalidRegistryStateError extends Error {
  constructor(message: string) {
    super(`${storeKeys.registryState}: ${message}`);
    this.name = 'InvalidRegistryStateError';
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Parses and checks a state document, head included; a state that routes nowhere is an error, not a default. */
export function parseStateDocument(body: Uint8Array | string): {
  state: RegistryState;
  head: HistoryHead | null;
} {
  let document: RegistryState & { head?: unknown };
  try {
    document = JSON.parse(
      typeof body === 'string' ? body : Buffer.from(body).toString('utf8'),
    ) as RegistryState;
  } catch (err) {
    throw new InvalidRegistryStateError(`not JSON (${errorMessage(err)})`);
  }
  const { head, ...state } = document ?? {};
  if (head !== undefined && head !== null) {
    const { seq, sha256 } = head as Partial<HistoryHead>;
    if (!Number.isInteger(seq) || (seq as number) < 1 || typeof sha256 !== 'string' || !SHA256.test(sha256)) {
      throw new InvalidRegistryStateError('head must be {seq, sha256} of a history entry');
    }
  }
  return { state: checkState(state as RegistryState), head: (head as HistoryHead | undefined) ?? null };
}

/** The state alone (see parseStateDocument for its head). */
export function parseRegistryState(body: Uint8Array | string): RegistryState {
  return parseStateDocument(body).state;
}

function checkState(state: RegistryState): RegistryState {
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
  return { ...parseStateDocument(object.body), version: object.version };
}

/** state.json's bytes: the state, then the head it was written for (none for a seed). */
export const serialiseState = (state: RegistryState, head?: HistoryHead | null): string =>
  `${JSON.stringify(head ? { ...state, head: { seq: head.seq, sha256: head.sha256 } } : state, null, 2)}\n`;

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
