import type { ModelManifest } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { loadVerifiedArtifact } from '../core/artifact-loader';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import type { ObjectStore } from '../store/object-store';
import { modelsOf } from './candidate';
import { canonicalJson } from './canonical-json';
import { hashOfEntry, parseEntry, seqOfKey, type HistoryEntry } from './history';
import { readRegistryState, type HistoryHead, type RegistryState } from './registry-state';
import { errorMessage } from '../core/errors';

export type BrokenLink =
  | { kind: 'history'; seq: number; key: string; reason: string }
  | { kind: 'state'; key: string; reason: string }
  | { kind: 'artifact'; ref: ModelRef; reason: string };

export interface VerifyOk {
  ok: true;
  entries: number;
  /** state.json's revision; null for an empty store. */
  revision: number | null;
  /** The history entry state.json names as the chain's head; null for an empty store or a seed. */
  head: HistoryHead | null;
  artifacts: number;
  /**
   * Things that are not broken but limit what the registry can promise, one line each: a model
   * whose training a wall-clock budget cut short cannot be reproduced on another machine.
   */
  warnings: string[];
  /**
   * A first state no registry decision has anchored yet (a deployment's seed): revision 1, no
   * history. The next decision records its entry.
   */
  seed?: true;
  /** The seq of the entry that anchored a history an older version wrote, when there is one. */
  anchoredAt?: number;
  /**
   * The last entry when a writer stopped between appending it and writing state.json (see
   * registry.ts): recorded, not applied yet; the next registry decision applies it.
   */
  notApplied?: { seq: number; revision: number };
}

export type VerifyResult = VerifyOk | { ok: false; broken: BrokenLink };

/** One line for a person: which link is broken, and why. */
export function describeBrokenLink(link: BrokenLink): string {
  switch (link.kind) {
    case 'history':
      return `history seq ${link.seq} (${link.key}): ${link.reason}`;
    case 'state':
      return `${link.key}: ${link.reason}`;
    case 'artifact':
      return `artifact ${modelRefKey(link.ref)}: ${link.reason}`;
  }
}

class Broken extends Error {
  constructor(readonly link: BrokenLink) {
    super(describeBrokenLink(link));
  }
}

/** How an older version's history is migrated: named wherever one is found. */
export const MIGRATE_HINT =
  'run "hscode models migrate" (it checks the chain as far as the old format allows and anchors it; the next registry decision does the same)';

/**
 * Re-checks everything the registry's word rests on, in order, and stops at the first broken
 * link: the hash chain (every entry's hash, its prevHash, seq contiguity, one state revision per
 * entry, and a first entry that records the first champion), state.json against the last entry
 * and the head it names (the newest entry's seq and sha256, so removing or rewriting the newest
 * entries shows), then every artifact the state and history name (files against the manifest's
 * sha256, and the ONNX against the sha256 recorded when the model was registered or promoted).
 * Reads only; repairs nothing.
 *
 * The chain's anchor, state.json's head, lives in the same store: someone who can rewrite both
 * the history and state.json is caught only by a history prefix the store itself keeps immutable
 * (see infra/README.md).
 */
export async function verifyRegistry(store: ObjectStore): Promise<VerifyResult> {
  try {
    const read = await readState(store);
    const entries = await verifyChain(store, { legacy: read?.head === null });
    const { state, notApplied, seed } = verifyState(read, entries);
    const { artifacts, warnings } = await verifyArtifacts(store, entries, state);
    const anchoredAt = entries.find((e) => e.type === 'history-anchored')?.seq;
    return {
      ok: true,
      entries: entries.length,
      revision: state?.revision ?? null,
      head: read?.head ?? null,
      artifacts,
      warnings,
      ...(seed ? { seed } : {}),
      ...(anchoredAt ? { anchoredAt } : {}),
      ...(notApplied ? { notApplied } : {}),
    };
  } catch (err) {
    if (err instanceof Broken) return { ok: false, broken: err.link };
    throw err;
  }
}

/**
 * Whether a history an older version wrote (state.json without a head) may be anchored: its
 * chain holds under the old rules and state.json is what its last entry recorded.
 */
export async function checkLegacyChain(
  store: ObjectStore,
  state: RegistryState,
): Promise<{ ok: true; entries: number; firstRevision: number } | { ok: false; problem: string }> {
  try {
    const entries = await verifyChain(store, { legacy: true });
    const last = entries[entries.length - 1];
    if (!last) return { ok: false, problem: 'there is no history to anchor' };
    if (entries.some((e) => e.type === 'history-anchored') || entries[0]?.state.revision === 1) {
      return {
        ok: false,
        problem: `this version wrote the history (it ${entries[0]?.state.revision === 1 ? 'records the first champion' : 'was anchored before'}), yet ${storeKeys.registryState} names no head: the head was removed`,
      };
    }
    if (canonicalJson(last.state) !== canonicalJson(state)) {
      return {
        ok: false,
        problem: `${storeKeys.registryState} (revision ${state.revision}) is not the state history seq ${last.seq} recorded (revision ${last.state.revision})`,
      };
    }
    return { ok: true, entries: entries.length, firstRevision: entries[0]?.state.revision ?? 1 };
  } catch (err) {
    if (err instanceof Broken) return { ok: false, problem: describeBrokenLink(err.link) };
    throw err;
  }
}

interface ReadState {
  state: RegistryState;
  head: HistoryHead | null;
}

async function readState(store: ObjectStore): Promise<ReadState | undefined> {
  try {
    return await readRegistryState(store);
  } catch (err) {
    throw new Broken({ kind: 'state', key: storeKeys.registryState, reason: errorMessage(err) });
  }
}

/**
 * The entries in order, each checked against the one before. `legacy`: the history may start
 * after revision 1 (older versions wrote no entry for the first champion), as it may when a later
 * entry anchored such a history.
 */
async function verifyChain(store: ObjectStore, options: { legacy: boolean }): Promise<HistoryEntry[]> {
  const keys = await store.list(storeKeys.registryHistoryPrefix);
  const entries: HistoryEntry[] = [];
  for (const [index, key] of keys.entries()) {
    const expected = index + 1;
    const broken = (reason: string): never => {
      throw new Broken({
        kind: 'history',
        seq: expected,
        key: storeKeys.registryHistoryEntry(expected),
        reason,
      });
    };
    const seq = seqOfKey(key);
    if (seq === undefined) {
      throw new Broken({
        kind: 'history',
        seq: expected,
        key,
        reason: 'not a history entry name: the history folder holds only <seq>.json objects',
      });
    }
    if (seq !== expected) {
      broken(
        expected === 1
          ? `missing: the history starts at seq ${seq}: the entries before it were removed`
          : `missing: the history jumps from seq ${expected - 1} to seq ${seq}`,
      );
    }
    const object = await store.get(key);
    if (!object) broken('listed but unreadable: it was removed during the check');
    let entry: HistoryEntry;
    try {
      entry = parseEntry(key, object!.body);
    } catch (err) {
      return broken(errorMessage(err));
    }
    if (entry.seq !== expected)
      broken(`it says seq ${entry.seq} but is stored as seq ${expected}: entries were moved`);
    if (hashOfEntry(entry) !== entry.hash) {
      broken('its hash does not match its contents: the entry was edited after it was written');
    }
    const previous = entries[index - 1];
    if ((previous?.hash ?? null) !== entry.prevHash) {
      broken(
        previous
          ? `its prevHash does not match seq ${previous.seq}'s hash: an earlier entry was replaced, or this one was rewritten`
          : 'the first entry must have prevHash null: entries before it were removed',
      );
    }
    if (previous && entry.state.revision !== previous.state.revision + 1) {
      broken(
        `it produced state revision ${entry.state.revision} right after seq ${previous.seq}'s revision ${previous.state.revision}: the state was changed outside the registry in between`,
      );
    }
    entries.push(entry);
  }
  const first = entries[0];
  const anchored = entries.some((e) => e.type === 'history-anchored');
  if (first && first.state.revision !== 1 && !options.legacy && !anchored) {
    throw new Broken({
      kind: 'history',
      seq: 1,
      key: storeKeys.registryHistoryEntry(1),
      reason: `it produced state revision ${first.state.revision}, but the first entry records the first champion (revision 1): the entries before it were removed and the rest renumbered`,
    });
  }
  return entries;
}

function verifyState(
  read: ReadState | undefined,
  entries: HistoryEntry[],
): { state: RegistryState | undefined; notApplied?: { seq: number; revision: number }; seed?: true } {
  const key = storeKeys.registryState;
  const broken = (reason: string): never => {
    throw new Broken({ kind: 'state', key, reason });
  };
  const last = entries[entries.length - 1];
  if (!read) {
    if (last) broken(`missing, though the history has reached revision ${last.state.revision}`);
    return { state: undefined };
  }
  const { state, head } = read;
  if (!head) {
    if (!last) {
      if (state.revision !== 1) {
        broken(`it is at revision ${state.revision} but the history is empty: its entries were removed`);
      }
      return { state, seed: true };
    }
    const anchor = entries.find((e) => e.type === 'history-anchored');
    if (anchor || entries[0]?.state.revision === 1) {
      broken(
        `it names no history head, though this version wrote the history (${anchor ? `anchored at seq ${anchor.seq}` : 'seq 1 records the first champion'}): the head was removed`,
      );
    }
    return broken(`it names no history head: this registry was written by an older version, ${MIGRATE_HINT}`);
  }
  if (!last || head.seq > last.seq) {
    const ends = last ? `the history ends at seq ${last.seq}` : 'the history is empty';
    throw new Broken({
      kind: 'history',
      seq: (last?.seq ?? 0) + 1,
      key: storeKeys.registryHistoryEntry((last?.seq ?? 0) + 1),
      reason: `missing: ${key} names seq ${head.seq} as the history's head, ${ends}: entries were removed`,
    });
  }
  const named = entries[head.seq - 1] as HistoryEntry;
  if (named.hash !== head.sha256) {
    throw new Broken({
      kind: 'history',
      seq: named.seq,
      key: storeKeys.registryHistoryEntry(named.seq),
      reason: `its sha256 is ${named.hash.slice(0, 12)}…, ${key} names ${head.sha256.slice(0, 12)}… for it: the entry was rewritten (or ${key}'s head was)`,
    });
  }
  const same = (recorded: RegistryState) => canonicalJson(recorded) === canonicalJson(state);
  if (head.seq === last.seq) {
    if (state.revision !== last.state.revision || !same(last.state)) {
      broken(
        `differs from the state seq ${last.seq} recorded for revision ${last.state.revision}: it was edited outside the registry`,
      );
    }
    return { state };
  }
  if (head.seq === last.seq - 1) {
    if (state.revision !== named.state.revision || !same(named.state)) {
      broken(
        `differs from the state seq ${named.seq} recorded for revision ${named.state.revision}: it was edited outside the registry`,
      );
    }
    return { state, notApplied: { seq: last.seq, revision: last.state.revision } };
  }
  return broken(
    `it names seq ${head.seq} as the head, more than one entry behind the history's seq ${last.seq}: an older state was written back`,
  );
}

/**
 * Every model that was ever routed, and every registered one: these must stay in the store for
 * as long as the history does, or a past prediction could not be reproduced. Rejected candidates
 * are exempt (they never served, and may be deleted); drift alarms name the champion of the
 * time, which is in that entry's state. Each must load (files against its manifest) and its ONNX
 * must be every sha256 the history recorded for it.
 */
async function verifyArtifacts(
  store: ObjectStore,
  entries: HistoryEntry[],
  state: RegistryState | undefined,
): Promise<{ artifacts: number; warnings: string[] }> {
  const named = new Map<string, ModelRef>();
  const warnings: string[] = [];
  /** Each distinct sha256 recorded per model, with the first seq that recorded it. */
  const recorded = new Map<string, Array<{ sha256: string; seq: number }>>();
  const add = (ref: ModelRef) => {
    const key = modelRefKey(ref);
    if (!named.has(key)) named.set(key, { variant: ref.variant, version: ref.version });
  };
  const record = (key: string, sha256: string, seq: number) => {
    const seen = recorded.get(key) ?? [];
    if (!seen.some((r) => r.sha256 === sha256)) recorded.set(key, [...seen, { sha256, seq }]);
  };
  for (const entry of entries) {
    if (entry.type !== 'rejected' && entry.type !== 'drift-alarm') {
      add(entry.subject);
      const sha = entry.details.onnxSha256;
      if (typeof sha === 'string') record(modelRefKey(entry.subject), sha, entry.seq);
    }
    modelsOf(entry.state).forEach(add);
    for (const [key, sha] of Object.entries(entry.artifacts)) record(key, sha, entry.seq);
  }
  if (state) modelsOf(state).forEach(add);

  for (const [key, ref] of named) {
    let manifest: ModelManifest;
    try {
      manifest = (await loadVerifiedArtifact(store, ref)).manifest;
    } catch (err) {
      throw new Broken({ kind: 'artifact', ref, reason: errorMessage(err) });
    }
    const onnxSha256 = manifest.onnx.sha256;
    if (manifest.training.stoppedBy === 'time-budget') {
      warnings.push(
        `${key}: training stopped on its ${manifest.hyperParameters.training.timeBudgetSeconds} s time budget after ${manifest.training.history.length} epochs; the same data, seed and code give another model on a faster or less loaded machine`,
      );
    }
    const differing = recorded.get(key)?.find((r) => r.sha256 !== onnxSha256);
    if (differing) {
      throw new Broken({
        kind: 'artifact',
        ref,
        reason: `its model.onnx has sha256 ${onnxSha256.slice(0, 12)}…, not the ${differing.sha256.slice(0, 12)}… history seq ${differing.seq} recorded: the artifact was replaced`,
      });
    }
  }
  return { artifacts: named.size, warnings };
}
