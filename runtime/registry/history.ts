import { createHash } from 'node:crypto';
import { storeKeys } from '../../models/store-layout';
import { type ModelRef, isModelRef } from '../../models/model-ref';
import type { ObjectStore } from '../store/object-store';
import { canonicalJson } from './canonical-json';
import {
  InvalidRegistryStateError,
  parseRegistryState,
  type HistoryHead,
  type RegistryState,
} from './registry-state';
import { errorMessage } from '../core/errors';

/**
 * The registry's audit trail: every decision, in order, each entry chained to the one before by
 * its hash, so that editing, removing or reordering a past entry shows up in `verify`.
 */
export const HISTORY_EVENT_TYPES = [
  /** A candidate entered the registry; details: its manifest metrics and lineage. */
  'registered',
  'challenger-added',
  'shadow-added',
  /** A challenger's traffic share changed. */
  'ramped',
  /** A challenger became champion; the champion before it became the fallback. */
  'promoted',
  /** A challenger or shadow was removed, or the champion was replaced by the fallback. */
  'rolled-back',
  /** A candidate failed the promotion gate; details: the reasons. */
  'rejected',
  'drift-alarm',
  /**
   * A model's files no longer hash to what the registry approved: loading it was refused.
   * Details: the approved and the found sha256. Routing is unchanged; a person decides.
   */
  'integrity-alarm',
  /**
   * The history an older version wrote (no head recorded beside state.json, no entry for the
   * first champion) was checked and anchored: entries before this one follow the old rules.
   */
  'history-anchored',
] as const;

export type HistoryEventType = (typeof HISTORY_EVENT_TYPES)[number];

/** JSON only (see canonicalJson): the statistics and reasons behind a decision. */
export type EventDetails = Record<string, unknown>;

export interface HistoryEvent {
  type: HistoryEventType;
  /** Who decided: "cli", a job's name, … */
  actor: string;
  subject: ModelRef;
  details: EventDetails;
}

export interface HistoryEntry extends HistoryEvent {
  /** 1, 2, 3, … with no gaps: the object key is derived from it. */
  seq: number;
  /** ISO 8601. History is an audit log, not a content-addressed artifact, so a clock is fine here. */
  time: string;
  /**
   * The whole registry state this event produces, revision included. Recording the state rather
   * than only the change is what lets a crashed decision be completed by the next writer (see
   * registry.ts) and lets `verify` compare state.json with what the history says it must be.
   */
  state: RegistryState;
  /**
   * The ONNX sha256 of every model in `state`, keyed "variant/version", as their manifests said
   * when the entry was written: pins the bytes each decision was about, so `verify` can tell an
   * artifact replaced later (manifest and all) from the one that was promoted.
   */
  artifacts: Record<string, string>;
  /** The previous entry's hash; null for seq 1. */
  prevHash: string | null;
  /** sha256 of the canonical JSON of this entry without `hash`. */
  hash: string;
}

export type HistoryDraft = Omit<HistoryEntry, 'seq' | 'prevHash' | 'hash'>;

export class InvalidHistoryEntryError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key} is not a valid history entry: ${reason}`);
    this.name = 'InvalidHistoryEntryError';
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const ENTRY_KEY = /^registry\/history\/(\d{8})\.json$/;

/** The seq a key stands for, or undefined when the key is not a history entry's name. */
export function seqOfKey(key: string): number | undefined {
  const match = ENTRY_KEY.exec(key);
  return match ? Number(match[1]) : undefined;
}

export function hashOfEntry(entry: Omit<HistoryEntry, 'hash'> | HistoryEntry): string {
  const { hash: _ignored, ...rest } = entry as HistoryEntry;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** The next entry after `head` (undefined: the first), with its chain fields filled in. */
export function chainEntry(head: HistoryEntry | undefined, draft: HistoryDraft): HistoryEntry {
  const unhashed: Omit<HistoryEntry, 'hash'> = {
    seq: head ? head.seq + 1 : 1,
    time: draft.time,
    type: draft.type,
    actor: draft.actor,
    subject: { variant: draft.subject.variant, version: draft.subject.version },
    details: draft.details,
    state: draft.state,
    artifacts: draft.artifacts,
    prevHash: head ? head.hash : null,
  };
  return { ...unhashed, hash: hashOfEntry(unhashed) };
}

export const serialiseEntry = (entry: HistoryEntry): string => `${canonicalJson(entry)}\n`;

/** What state.json records about the entry it was written for. */
export const headOf = (entry: HistoryEntry): HistoryHead => ({ seq: entry.seq, sha256: entry.hash });

/**
 * Writes the entry as a new object: `ifVersion: null` makes the store refuse it when that seq
 * already exists, so two writers can never both append seq N. The loser gets the store's
 * PreconditionFailedError and decides itself whether to re-read and retry.
 */
export async function appendEntry(store: ObjectStore, entry: HistoryEntry): Promise<void> {
  await store.put(storeKeys.registryHistoryEntry(entry.seq), serialiseEntry(entry), { ifVersion: null });
}

/** Checks an entry's shape (not its hash or place in the chain: that is verify's job). */
export function parseEntry(key: string, body: Uint8Array | string): HistoryEntry {
  const fail = (reason: string): never => {
    throw new InvalidHistoryEntryError(key, reason);
  };
  let value: Partial<HistoryEntry>;
  try {
    value = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as HistoryEntry;
  } catch (err) {
    return fail(`not JSON (${errorMessage(err)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
  if (!Number.isInteger(value.seq) || (value.seq as number) < 1) fail('seq must be a whole number from 1');
  if (typeof value.time !== 'string' || Number.isNaN(Date.parse(value.time))) fail('time must be a date');
  if (!HISTORY_EVENT_TYPES.includes(value.type as HistoryEventType)) {
    fail(`type ${JSON.stringify(value.type)} is none of ${HISTORY_EVENT_TYPES.join(', ')}`);
  }
  if (typeof value.actor !== 'string' || value.actor === '') fail('actor must be a non-empty string');
  if (!isModelRef(value.subject)) fail('subject must be {variant, version}');
  if (typeof value.details !== 'object' || value.details === null || Array.isArray(value.details)) {
    fail('details must be an object');
  }
  const artifacts = value.artifacts as unknown;
  if (
    typeof artifacts !== 'object' ||
    artifacts === null ||
    !Object.values(artifacts).every((sha) => SHA256.test(String(sha)))
  ) {
    fail('artifacts must map "variant/version" to a sha256');
  }
  if (value.prevHash !== null && !SHA256.test(String(value.prevHash)))
    fail('prevHash must be a sha256 or null');
  if (!SHA256.test(String(value.hash))) fail('hash must be a sha256');
  try {
    parseRegistryState(JSON.stringify(value.state));
  } catch (err) {
    fail(`its state is invalid (${err instanceof InvalidRegistryStateError ? err.message : String(err)})`);
  }
  return value as HistoryEntry;
}

async function readEntry(store: ObjectStore, key: string): Promise<HistoryEntry | undefined> {
  const object = await store.get(key);
  return object ? parseEntry(key, object.body) : undefined;
}

/** One entry by its seq (shape-checked, not chain-checked); undefined when it is not stored. */
export const readEntryAt = (store: ObjectStore, seq: number): Promise<HistoryEntry | undefined> =>
  readEntry(store, storeKeys.registryHistoryEntry(seq));

const entryKeys = async (store: ObjectStore) =>
  (await store.list(storeKeys.registryHistoryPrefix)).filter((key) => seqOfKey(key) !== undefined);

/** The last entry, which the next one must chain to; undefined while the history is empty. */
export async function readHistoryHead(store: ObjectStore): Promise<HistoryEntry | undefined> {
  const keys = await entryKeys(store);
  const last = keys[keys.length - 1];
  return last === undefined ? undefined : readEntry(store, last);
}

/** Entries in order, the last `limit` of them when given. Shape-checked, not chain-checked. */
export async function readHistory(
  store: ObjectStore,
  options: { limit?: number } = {},
): Promise<HistoryEntry[]> {
  const keys = await entryKeys(store);
  const wanted = options.limit === undefined ? keys : keys.slice(Math.max(0, keys.length - options.limit));
  const entries = await Promise.all(wanted.map((key) => readEntry(store, key)));
  return entries.filter((entry): entry is HistoryEntry => entry !== undefined);
}
