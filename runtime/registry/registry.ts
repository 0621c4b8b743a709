import { storeKeys } from '../../models/store-layout';
import { type ModelRef, bareModelRef, modelRefKey, sameModel } from '../../models/model-ref';
import type { WeightedModelRef } from '../core/router';
import { PreconditionFailedError, type ObjectStore } from '../store/object-store';
import { describeCandidate, pinArtifacts, tryDescribeCandidate } from './candidate';
import { canonicalJson } from './canonical-json';
import {
  appendEntry,
  chainEntry,
  hashOfEntry,
  headOf,
  readHistory,
  readHistoryHead,
  type EventDetails,
  type HistoryEntry,
  type HistoryEventType,
} from './history';
import {
  parseRegistryState,
  readRegistryState,
  serialiseState,
  type HistoryHead,
  type RegistryState,
} from './registry-state';
import { checkLegacyChain } from './verify';
import { errorMessage } from '../core/errors';

/**
 * Decisions about which models serve, applied so that from outside they are all-or-nothing and
 * strictly ordered, over nothing but the store's conditional writes.
 *
 * Order of writes: history entry first, then state.json. The history is a write-ahead log: an
 * entry records the whole state it produces (revision included), and appending seq N with
 * `ifVersion: null` is the one step two writers cannot both win, so it is where a race is decided.
 * state.json is the materialised view the servers read. A writer that crashes between the two
 * writes leaves an entry whose revision state.json has not reached yet; the next writer (any
 * `apply`) finds state.json one revision behind the last entry and writes that entry's state
 * before deciding anything, and `verify` reports such an entry as "not applied yet" rather than as
 * a broken link. Completing the entry (roll forward) rather than discarding it is what makes this
 * safe while the first writer is merely slow, not dead: both then write the same state, and
 * whoever loses the conditional write sees the revision already reached.
 * Writing state first instead would let a crash leave a served decision with no record of it.
 */

export interface RegistryEvent {
  type: HistoryEventType;
  subject: ModelRef;
  details: EventDetails;
  /** Defaults to the registry's actor. */
  actor?: string;
}

/**
 * What a mutation returns: the next state (its revision is set by the registry) and the event
 * that explains it; or nothing to decide, with the reason when there is one.
 */
export type MutationOutcome =
  { state: RegistryState; event: RegistryEvent } | { unchanged: string } | undefined;

/** Gets a copy of the current state, which it may modify and return. Runs again after a lost race. */
export type Mutation = (state: RegistryState) => MutationOutcome;

export interface ApplyResult {
  applied: boolean;
  /** The state after the call: the one produced, or the current one when nothing was decided. */
  state: RegistryState;
  /** The history entry written, when applied. */
  entry?: HistoryEntry;
  /** Why nothing was decided, when the mutation said. */
  reason?: string;
  /** Times the mutation ran: more than 1 means a race was lost and the state read again. */
  attempts: number;
}

export interface RegistryOptions {
  /** Recorded as the actor of every event this registry writes. */
  actor?: string;
  now?: () => Date;
  /** Lost races before giving up with RegistryConflictError. */
  maxAttempts?: number;
}

export type CandidateRole = 'challenger' | 'shadow';

/** The request makes no sense for the registry as it is (e.g. promoting a model that is not a challenger). */
export class RegistryDecisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryDecisionError';
  }
}

export class RegistryConflictError extends Error {
  constructor(attempts: number) {
    super(`the registry changed under this decision ${attempts} times in a row: try again`);
    this.name = 'RegistryConflictError';
  }
}

/**
 * state.json and the history disagree in a way no crash produces (an entry removed or rewritten,
 * a head that names another entry): deciding on top of it would hide the damage, so nothing is
 * written until a person has looked.
 */
export class RegistryIntegrityError extends Error {
  constructor(message: string) {
    super(`${message}; nothing was written: run "hscode models verify" to see the first broken link`);
    this.name = 'RegistryIntegrityError';
  }
}

export class NoRegistryStateError extends Error {
  constructor() {
    super(
      `${storeKeys.registryState} does not exist yet: a champion must be registered first ("hscode serve" does)`,
    );
    this.name = 'NoRegistryStateError';
  }
}

export type RegistryPosition = 'champion' | 'challenger' | 'shadow' | 'fallback';

/** Where a model sits in the state, if anywhere. */
export function positionOf(state: RegistryState, ref: ModelRef): RegistryPosition | undefined {
  if (sameModel(state.champion, ref)) return 'champion';
  if (state.challengers.some((c) => sameModel(c, ref))) return 'challenger';
  if (state.shadows.some((s) => sameModel(s, ref))) return 'shadow';
  if (state.fallback && sameModel(state.fallback, ref)) return 'fallback';
  return undefined;
}

/** The state in a fixed field order, so state.json reads the same whoever wrote it. */
function normalised(state: RegistryState, revision: number): RegistryState {
  const next: RegistryState = {
    schemaVersion: 1,
    revision,
    champion: bareModelRef(state.champion),
    challengers: state.challengers.map((c): WeightedModelRef => ({ ...bareModelRef(c), weight: c.weight })),
    shadows: state.shadows.map(bareModelRef),
    fallback: state.fallback ? bareModelRef(state.fallback) : null,
  };
  return parseRegistryState(serialiseState(next));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Current {
  state: RegistryState;
  version: string;
  /** The history's last entry. */
  head: HistoryEntry | undefined;
  /** What state.json says its last entry is; null for a seed or a state an older version wrote. */
  stateHead: HistoryHead | null;
}

const sameHead = (recorded: HistoryHead | null, entry: HistoryEntry | undefined) =>
  recorded !== null && entry !== undefined && recorded.seq === entry.seq && recorded.sha256 === entry.hash;

const describeHead = (head: HistoryHead) => `seq ${head.seq} (sha256 ${head.sha256.slice(0, 12)}…)`;

export class Registry {
  private readonly actor: string;
  private readonly now: () => Date;
  private readonly maxAttempts: number;

  constructor(
    readonly store: ObjectStore,
    options: RegistryOptions = {},
  ) {
    this.actor = options.actor ?? 'registry';
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  /** The current state, with any decision a crashed writer left half-applied completed first. */
  async read(): Promise<RegistryState> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.current();
      if (current) return current.state;
    }
    throw new RegistryConflictError(this.maxAttempts);
  }

  /**
   * Reads the state, runs the mutation on a copy, appends its event to the history and writes the
   * new state conditionally. A lost append (another decision took that seq) re-reads and re-runs
   * the mutation on the newer state, which may then decide nothing.
   */
  async apply(mutation: Mutation): Promise<ApplyResult> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.current();
      if (!current) continue;
      if (current.stateHead === null) {
        // A seed, or a store an older version wrote: anchored first, then decided on.
        await this.anchor(current);
        continue;
      }
      this.checkHead(current);
      const outcome = mutation(structuredClone(current.state));
      if (!outcome || 'unchanged' in outcome) {
        return { applied: false, state: current.state, attempts: attempt, reason: outcome?.unchanged };
      }
      const state = normalised(outcome.state, current.state.revision + 1);
      const entry = chainEntry(current.head, {
        time: this.now().toISOString(),
        type: outcome.event.type,
        actor: outcome.event.actor ?? this.actor,
        subject: outcome.event.subject,
        details: outcome.event.details,
        state,
        artifacts: await pinArtifacts(this.store, state, current.head?.artifacts),
      });
      try {
        await appendEntry(this.store, entry);
      } catch (err) {
        if (!(err instanceof PreconditionFailedError)) throw err;
        // Jitter, so two writers that keep colliding stop doing it in lockstep.
        await sleep(Math.random() * 10 * attempt);
        continue;
      }
      // The decision is made and recorded; from here on it is only ever completed, never redone.
      await this.materialise(entry, current.version);
      return { applied: true, state, entry, attempts: attempt };
    }
    throw new RegistryConflictError(this.maxAttempts);
  }

  /**
   * Registers a candidate that passed the gate: a `registered` event with its metrics and
   * lineage, then a second decision routing it as challenger (with `weight`) or shadow. A model
   * already in the state is left where it is.
   */
  async register(
    ref: ModelRef,
    as: CandidateRole,
    weight = 0,
    stats: EventDetails = {},
  ): Promise<ApplyResult> {
    if (as === 'shadow' && weight !== 0)
      throw new RegistryDecisionError('a shadow takes no traffic: its weight must be 0');
    const candidate = await describeCandidate(this.store, ref);
    const subject = bareModelRef(ref);
    const route = (state: RegistryState): RegistryState => {
      if (as === 'challenger') state.challengers.push({ ...subject, weight });
      else state.shadows.push(subject);
      return state;
    };
    const alreadyThere = (state: RegistryState) => {
      const role = positionOf(state, ref);
      return role && role !== 'fallback' ? `${modelRefKey(ref)} is already the ${role}` : undefined;
    };
    const registered = await this.apply((state) => {
      const already = alreadyThere(state);
      if (already) return { unchanged: already };
      // Refuse before recording anything when the routing would be invalid (weights above 1).
      this.checkRouting(route(structuredClone(state)));
      return {
        state,
        event: { type: 'registered', subject, details: { ...candidate, role: as, weight, ...stats } },
      };
    });
    if (!registered.applied) return registered;
    const routed = await this.apply((state) => {
      const already = alreadyThere(state);
      if (already) return { unchanged: already };
      const type = as === 'challenger' ? 'challenger-added' : 'shadow-added';
      const next = route(state);
      this.checkRouting(next);
      return { state: next, event: { type, subject, details: { weight, onnxSha256: candidate.onnxSha256 } } };
    });
    return { ...routed, attempts: registered.attempts + routed.attempts };
  }

  /** Records a candidate that failed the gate. Its artifact need not load: that may be why it failed. */
  async reject(ref: ModelRef, reasons: string[], stats: EventDetails = {}): Promise<ApplyResult> {
    if (reasons.length === 0) throw new RegistryDecisionError('a rejection needs at least one reason');
    const candidate = await tryDescribeCandidate(this.store, ref);
    return this.apply((state) => {
      const role = positionOf(state, ref);
      if (role && role !== 'fallback') {
        throw new RegistryDecisionError(
          `${modelRefKey(ref)} is serving as ${role}: roll it back instead of rejecting it`,
        );
      }
      return {
        state,
        event: { type: 'rejected', subject: bareModelRef(ref), details: { ...candidate, reasons, ...stats } },
      };
    });
  }

  /** Changes a challenger's traffic share. */
  async ramp(ref: ModelRef, weight: number, stats: EventDetails = {}): Promise<ApplyResult> {
    return this.apply((state) => {
      const challenger = state.challengers.find((c) => sameModel(c, ref));
      if (!challenger)
        throw new RegistryDecisionError(`${modelRefKey(ref)} is not a challenger: ${describeRoles(state)}`);
      if (challenger.weight === weight)
        return { unchanged: `${modelRefKey(ref)} already has weight ${weight}` };
      const from = challenger.weight;
      challenger.weight = weight;
      this.checkRouting(state);
      return {
        state,
        event: { type: 'ramped', subject: bareModelRef(ref), details: { ...stats, from, to: weight } },
      };
    });
  }

  /** The challenger becomes champion; the champion becomes the fallback (and its artifact stays). */
  async promote(ref: ModelRef, stats: EventDetails = {}): Promise<ApplyResult> {
    // Never promote bytes that do not verify, whatever the statistics say.
    const candidate = await describeCandidate(this.store, ref);
    return this.apply((state) => {
      if (sameModel(state.champion, ref)) return { unchanged: `${modelRefKey(ref)} is already the champion` };
      const challenger = state.challengers.find((c) => sameModel(c, ref));
      if (!challenger)
        throw new RegistryDecisionError(`${modelRefKey(ref)} is not a challenger: ${describeRoles(state)}`);
      const previous = state.champion;
      state.fallback = previous;
      state.champion = bareModelRef(ref);
      state.challengers = state.challengers.filter((c) => !sameModel(c, ref));
      state.shadows = state.shadows.filter((s) => !sameModel(s, ref));
      return {
        state,
        event: {
          type: 'promoted',
          subject: bareModelRef(ref),
          details: {
            ...stats,
            weight: challenger.weight,
            previousChampion: previous,
            onnxSha256: candidate.onnxSha256,
          },
        },
      };
    });
  }

  /**
   * Removes a challenger or shadow; given the champion, or nothing, puts the fallback back as
   * champion. The target is fixed before the first attempt, so a rollback that loses a race to
   * an identical one finds its model already gone and decides nothing, instead of rolling back
   * twice.
   */
  async rollback(ref?: ModelRef, stats: EventDetails = {}): Promise<ApplyResult> {
    const target = bareModelRef(ref ?? (await this.read()).champion);
    return this.apply((state) => {
      const role = positionOf(state, target);
      if (role === 'challenger') {
        const weight = state.challengers.find((c) => sameModel(c, target))?.weight;
        state.challengers = state.challengers.filter((c) => !sameModel(c, target));
        return {
          state,
          event: { type: 'rolled-back', subject: target, details: { ...stats, role, weight } },
        };
      }
      if (role === 'shadow') {
        state.shadows = state.shadows.filter((s) => !sameModel(s, target));
        return { state, event: { type: 'rolled-back', subject: target, details: { ...stats, role } } };
      }
      if (role === 'champion') {
        const fallback = state.fallback;
        if (!fallback) {
          throw new RegistryDecisionError(
            `${modelRefKey(target)} is the champion and there is no fallback to return to`,
          );
        }
        state.champion = fallback;
        state.fallback = null;
        state.challengers = state.challengers.filter((c) => !sameModel(c, fallback));
        state.shadows = state.shadows.filter((s) => !sameModel(s, fallback));
        return {
          state,
          event: { type: 'rolled-back', subject: target, details: { ...stats, role, restored: fallback } },
        };
      }
      return { unchanged: `${modelRefKey(target)} is not serving: nothing to roll back` };
    });
  }

  /** Records a drift alarm against the current champion; routing is unchanged. */
  async recordDrift(details: EventDetails): Promise<ApplyResult> {
    return this.apply((state) => ({
      state,
      event: { type: 'drift-alarm', subject: bareModelRef(state.champion), details },
    }));
  }

  /**
   * Records that a model's files no longer hash to what the registry approved, once per model and
   * found sha256 (a server retrying the load, or several servers, do not repeat it).
   */
  async recordIntegrityAlarm(
    ref: ModelRef,
    details: { approvedSha256: string; foundSha256: string; reason: string } & EventDetails,
  ): Promise<ApplyResult> {
    const subject = bareModelRef(ref);
    const already = (await readHistory(this.store)).some(
      (e) =>
        e.type === 'integrity-alarm' &&
        sameModel(e.subject, subject) &&
        e.details.foundSha256 === details.foundSha256,
    );
    if (already) {
      const state = await this.read();
      return {
        applied: false,
        state,
        attempts: 0,
        reason: `the alarm for ${modelRefKey(ref)} is already recorded`,
      };
    }
    return this.apply((state) => ({ state, event: { type: 'integrity-alarm', subject, details } }));
  }

  /**
   * Gives a seed (a first state with no history) its first entry, or anchors a history an older
   * version wrote, so that state.json records the head of a chain verify can check. Any decision
   * does this first; `hscode models migrate` does it on its own. Returns the anchoring entry, or
   * undefined when the registry was anchored already.
   */
  async ensureAnchored(): Promise<HistoryEntry | undefined> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.current();
      if (!current) continue;
      if (current.stateHead !== null) {
        this.checkHead(current);
        return undefined;
      }
      const entry = await this.anchor(current);
      if (entry) return entry;
    }
    throw new RegistryConflictError(this.maxAttempts);
  }

  /** Undefined when another writer got there first (read again). */
  private async anchor(current: Current): Promise<HistoryEntry | undefined> {
    const { state, head } = current;
    const anchoring =
      head && (head.type === 'history-anchored' || (head.seq === 1 && head.state.revision === 1));
    if (head && anchoring && head.state.revision === state.revision) {
      // A crash after the anchoring entry was appended: only state.json's head is missing.
      if (canonicalJson(head.state) !== canonicalJson(state) || hashOfEntry(head) !== head.hash) {
        throw new RegistryIntegrityError(
          `${storeKeys.registryState} (revision ${state.revision}) differs from what history seq ${head.seq} recorded for that revision`,
        );
      }
      return (await this.writeState(head, current.version)) ? head : undefined;
    }
    let draft: Omit<HistoryEntry, 'seq' | 'prevHash' | 'hash'>;
    const time = this.now().toISOString();
    if (!head) {
      if (state.revision !== 1) {
        throw new RegistryIntegrityError(
          `${storeKeys.registryState} is at revision ${state.revision} but the history is empty: its entries were removed (restore registry/history/ from a backup)`,
        );
      }
      const candidate = await tryDescribeCandidate(this.store, state.champion);
      draft = {
        time,
        type: 'registered',
        actor: this.actor,
        subject: bareModelRef(state.champion),
        details: { ...candidate, role: 'champion', weight: 1, reason: 'first champion of an empty registry' },
        state,
        artifacts: await pinArtifacts(this.store, state),
      };
    } else {
      const legacy = await checkLegacyChain(this.store, state);
      if (!legacy.ok) throw new RegistryIntegrityError(`the history cannot be anchored: ${legacy.problem}`);
      const next = normalised(state, state.revision + 1);
      draft = {
        time,
        type: 'history-anchored',
        actor: this.actor,
        subject: bareModelRef(state.champion),
        details: {
          reason:
            'the history was written by a version that recorded no head beside state.json; its chain was checked and is anchored here',
          legacyEntries: legacy.entries,
          legacyHeadSha256: head.hash,
          legacyFirstRevision: legacy.firstRevision,
        },
        state: next,
        artifacts: await pinArtifacts(this.store, next, head.artifacts),
      };
    }
    const entry = chainEntry(head, draft);
    try {
      await appendEntry(this.store, entry);
    } catch (err) {
      if (err instanceof PreconditionFailedError) return undefined;
      throw err;
    }
    await this.writeState(entry, current.version);
    return entry;
  }

  /** state.json for `entry`, conditional on the version read; false when another writer changed it. */
  private async writeState(entry: HistoryEntry, version: string): Promise<boolean> {
    try {
      await this.store.put(storeKeys.registryState, serialiseState(entry.state, headOf(entry)), {
        ifVersion: version,
      });
      return true;
    } catch (err) {
      if (err instanceof PreconditionFailedError) return false;
      throw err;
    }
  }

  /** Refuses to decide on a state whose head is not the history's last entry (see RegistryIntegrityError). */
  private checkHead(current: Current): void {
    const { head, stateHead } = current;
    if (!stateHead) return;
    if (!head) {
      throw new RegistryIntegrityError(
        `${storeKeys.registryState} names history head ${describeHead(stateHead)} but the history is empty`,
      );
    }
    if (hashOfEntry(head) !== head.hash) {
      throw new RegistryIntegrityError(`history seq ${head.seq} does not hash to the sha256 it carries`);
    }
    if (!sameHead(stateHead, head)) {
      throw new RegistryIntegrityError(
        `${storeKeys.registryState} names history head ${describeHead(stateHead)}, the history's last entry is ${describeHead(headOf(head))}`,
      );
    }
  }

  private checkRouting(state: RegistryState): void {
    try {
      parseRegistryState(serialiseState(state));
    } catch (err) {
      throw new RegistryDecisionError(errorMessage(err));
    }
  }

  /**
   * The state to decide on and the history head to chain to. State is read before the head, so
   * the head is at least as new as the entry that produced that state. When state.json is behind
   * the history, the last entry's state is written first; undefined = lost that write, read again.
   */
  private async current(): Promise<Current | undefined> {
    const read = await readRegistryState(this.store);
    const head = await readHistoryHead(this.store);
    if (head && !read) {
      // state.json is written before the first entry and never removed: its absence is damage,
      // and rebuilding it from whatever entries are left would hide entries removed with it.
      throw new RegistryIntegrityError(
        `${storeKeys.registryState} is missing though the history reaches seq ${head.seq}`,
      );
    }
    if (head && read && read.state.revision < head.state.revision) {
      // Only the entry right after state.json's own head may be completed: anything else is not
      // what a crash between the two writes leaves behind.
      const follows = read.head ? read.head.seq + 1 === head.seq && read.head.sha256 === head.prevHash : true;
      if (!follows || hashOfEntry(head) !== head.hash) {
        throw new RegistryIntegrityError(
          `history seq ${head.seq} is ahead of ${storeKeys.registryState}${read.head ? ` (head ${describeHead(read.head)})` : ''} but does not follow it`,
        );
      }
      // A state an older version wrote stays head-less until it is anchored (see anchor).
      const stateHead = read.head ? headOf(head) : null;
      try {
        const { version } = await this.store.put(
          storeKeys.registryState,
          serialiseState(head.state, stateHead),
          {
            ifVersion: read.version,
          },
        );
        return { state: head.state, version, head, stateHead };
      } catch (err) {
        if (err instanceof PreconditionFailedError) return undefined;
        throw err;
      }
    }
    if (!read) throw new NoRegistryStateError();
    return { state: read.state, version: read.version, head, stateHead: read.head };
  }

  /** Brings state.json to the entry's revision, unless another writer already did (or went past it). */
  private async materialise(entry: HistoryEntry, readVersion: string): Promise<void> {
    let version: string | null = readVersion;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        await this.store.put(storeKeys.registryState, serialiseState(entry.state, headOf(entry)), {
          ifVersion: version,
        });
        return;
      } catch (err) {
        if (!(err instanceof PreconditionFailedError)) throw err;
      }
      const now = await readRegistryState(this.store);
      if (now && now.state.revision >= entry.state.revision) return;
      version = now?.version ?? null;
    }
    throw new Error(
      `history seq ${entry.seq} is recorded but ${storeKeys.registryState} could not be brought to its revision ${entry.state.revision}: the next registry decision completes it`,
    );
  }
}

function describeRoles(state: RegistryState): string {
  const challengers = state.challengers.map(modelRefKey);
  return `the champion is ${modelRefKey(state.champion)}, challengers are ${challengers.length ? challengers.join(', ') : 'none'}`;
}
