import type { ModelManifest } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { loadVerifiedArtifact } from '../core/artifact-loader';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import type { ObjectStore } from '../store/object-store';
import { modelsOf } from './candidate';
import { canonicalJson } from './canonical-json';
import { hashOfEntry, parseEntry, seqOfKey, type HistoryEntry } from './history';
import { readRegistryState, type RegistryState } from './registry-state';
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
  artifacts: number;
  /**
   * Things that are not broken but limit what the registry can promise, one line each: a model
   * whose training a wall-clock budget cut short cannot be reproduced on another machine.
   */
  warnings: string[];
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

/**
 * Re-checks everything the registry's word rests on, in order, and stops at the first broken
 * link: the hash chain (every entry's hash, its prevHash, seq contiguity and one state revision
 * per entry), state.json against the last entry, then every artifact the state and history name
 * (files against the manifest's sha256, and the ONNX against the sha256 recorded when the model
 * was registered or promoted). Reads only; repairs nothing.
 *
 * The chain has no anchor outside the store: someone who can rewrite the last entry and
 * recompute its hash (and state.json to match) is not caught here; anything earlier is.
 */
export async function verifyRegistry(store: ObjectStore): Promise<VerifyResult> {
  try {
    const entries = await verifyChain(store);
    const { state, notApplied } = await verifyState(store, entries);
    const { artifacts, warnings } = await verifyArtifacts(store, entries, state);
    return {
      ok: true,
      entries: entries.length,
      revision: state?.revision ?? null,
      artifacts,
      warnings,
      ...(notApplied ? { notApplied } : {}),
    };
  } catch (err) {
    if (err instanceof Broken) return { ok: false, broken: err.link };
    throw err;
  }
}

async function verifyChain(store: ObjectStore): Promise<HistoryEntry[]> {
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
    if (seq !== expected) broken(`missing: the history jumps from seq ${expected - 1} to seq ${seq}`);
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
  return entries;
}

async function verifyState(
  store: ObjectStore,
  entries: HistoryEntry[],
): Promise<{ state: RegistryState | undefined; notApplied?: { seq: number; revision: number } }> {
  const key = storeKeys.registryState;
  const broken = (reason: string): never => {
    throw new Broken({ kind: 'state', key, reason });
  };
  let state: RegistryState | undefined;
  try {
    state = (await readRegistryState(store))?.state;
  } catch (err) {
    return broken(errorMessage(err));
  }
  const head = entries[entries.length - 1];
  if (!state) {
    if (head) broken(`missing, though the history has reached revision ${head.state.revision}`);
    return { state };
  }
  if (!head) return { state };
  const same = (recorded: RegistryState) => canonicalJson(recorded) === canonicalJson(state);
  if (state.revision === head.state.revision) {
    if (!same(head.state)) {
      broken(
        `differs from the state seq ${head.seq} recorded for revision ${state.revision}: it was edited outside the registry`,
      );
    }
    return { state };
  }
  if (state.revision === head.state.revision - 1) {
    const before = entries[entries.length - 2];
    if (before && !same(before.state)) {
      broken(
        `differs from the state seq ${before.seq} recorded for revision ${state.revision}: it was edited outside the registry`,
      );
    }
    return { state, notApplied: { seq: head.seq, revision: head.state.revision } };
  }
  return broken(
    state.revision > head.state.revision
      ? `it is at revision ${state.revision} but the last history entry (seq ${head.seq}) produced revision ${head.state.revision}: the state was changed outside the registry`
      : `it is at revision ${state.revision}, more than one entry behind the history's revision ${head.state.revision}: an older state was written back`,
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
