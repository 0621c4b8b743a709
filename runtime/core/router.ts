import { createHash } from 'node:crypto';
import { modelRefKey, type ModelRef } from '../../models/model-ref';

export interface WeightedModelRef extends ModelRef {
  /** Share of traffic in [0, 1]; the champion serves whatever the challengers leave. */
  weight: number;
}

/**
 * The part of the registry state that decides who serves: a full registry state (with its
 * decision history) is assignable to it.
 */
export interface RoutingState {
  champion: ModelRef;
  challengers: WeightedModelRef[];
  /** Scored on live traffic for evaluation, never answer a request. */
  shadows: ModelRef[];
}

export type Arm = 'champion' | 'challenger';

export interface Route {
  serve: ModelRef & { arm: Arm };
  shadows: ModelRef[];
}

export class InvalidRoutingStateError extends Error {
  constructor(message: string) {
    super(`invalid routing state: ${message}`);
    this.name = 'InvalidRoutingStateError';
  }
}

/** Weights must be shares that leave the champion a non-negative remainder. */
export function assertValidRoutingState(state: RoutingState): void {
  let total = 0;
  for (const challenger of state.challengers) {
    const { weight } = challenger;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
      throw new InvalidRoutingStateError(
        `challenger ${modelRefKey(challenger)} has weight ${String(weight)}, expected 0..1`,
      );
    }
    total += weight;
  }
  // A little slack for decimal weights such as 0.7 + 0.2 + 0.1.
  if (total > 1 + 1e-9) {
    throw new InvalidRoutingStateError(`challenger weights add up to ${total}, more than 1`);
  }
}

// Versioned so that changing the hashing is a visible, deliberate reshuffle of every key.
const SALT = 'hscode-ab-v1:';

/**
 * Where a key falls in [0, 1): the first 48 bits of sha256(salt + key). sha256 rather than a fast
 * string hash because keys can be chosen by clients, and the split must stay even for keys that
 * share long prefixes ("customer-0001", "customer-0002", …).
 */
export function routingPoint(key: string): number {
  const digest = createHash('sha256').update(SALT).update(key).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * Chooses the model that answers a request. The same key always lands on the same model while the
 * weights stay the same; challengers take consecutive slices of [0, 1) in their listed order and
 * the champion the rest, so raising one challenger's weight moves only keys from the champion's
 * slice to that challenger (or to those listed after it).
 */
export function routeRequest(state: RoutingState, key: string): Route {
  assertValidRoutingState(state);
  const point = routingPoint(key);
  let upper = 0;
  for (const challenger of state.challengers) {
    upper += challenger.weight;
    if (point < upper) {
      return {
        serve: { variant: challenger.variant, version: challenger.version, arm: 'challenger' },
        shadows: state.shadows,
      };
    }
  }
  return { serve: { ...state.champion, arm: 'champion' }, shadows: state.shadows };
}
