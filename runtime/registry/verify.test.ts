import { mkdtempSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACT_FILES } from '../../models/artifact';
import type { ModelManifest } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { publishArtifact } from '../../models/artifact-publish';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import {
  buildFixtureModel,
  fixtureModelSet,
  type FixtureModel,
  type FixtureModelSet,
} from '../../tests/helpers/model-fixture';
import { LocalObjectStore } from '../store/local-store';
import {
  appendEntry,
  chainEntry,
  hashOfEntry,
  readHistory,
  serialiseEntry,
  type HistoryEntry,
} from './history';
import { Registry, RegistryIntegrityError } from './registry';
import { serialiseState } from './registry-state';
import { ensureChampion } from './ensure-champion';
import { describeBrokenLink, verifyRegistry, type VerifyResult } from './verify';

let fixtures: FixtureModelSet;
let models: FixtureModel[];
let a: ModelRef;
let b: ModelRef;
let c: ModelRef;

beforeAll(async () => {
  fixtures = await fixtureModelSet();
  models = fixtures.models;
  [a, b, c] = models.map((m) => m.ref) as [ModelRef, ModelRef, ModelRef];
});

/**
 * The first champion's entry, then seven decisions: b registered and added, ramped, promoted (a
 * becomes the fallback), c registered and added as shadow, a drift alarm. Seqs 1..8, state
 * revisions 1..8.
 */
async function busyRegistry(): Promise<LocalObjectStore> {
  const store = await fixtures.storeWithChampion();
  const registry = new Registry(store, { actor: 'test' });
  await registry.register(b, 'challenger', 0.1);
  await registry.ramp(b, 0.5, { n: 1000 });
  await registry.promote(b, { reason: 'better' });
  await registry.register(c, 'shadow');
  await registry.recordDrift({ psi: 0.3 });
  return store;
}

const file = (store: LocalObjectStore, key: string) => join(store.root, key);
const entryFile = (store: LocalObjectStore, seq: number) => file(store, storeKeys.registryHistoryEntry(seq));
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

function expectBroken(result: VerifyResult) {
  if (result.ok) throw new Error(`expected a broken link, verify said ok: ${JSON.stringify(result)}`);
  return result.broken;
}

describe('verifyRegistry', () => {
  it('accepts an untouched registry and counts what it checked', async () => {
    const store = await busyRegistry();
    const last = (await readHistory(store)).at(-1)!;
    expect(await verifyRegistry(store)).toEqual({
      ok: true,
      entries: 8,
      revision: 8,
      head: { seq: 8, sha256: last.hash },
      artifacts: 3,
      warnings: [],
    });
  });

  it('warns, without failing, about a model whose training a time budget cut short', async () => {
    const store = await fixtures.storeWithChampion();
    const cut = await buildFixtureModel({ seed: 41, stoppedBy: 'time-budget' });
    await publishArtifact(store, storeKeys.modelPrefix(cut.ref.variant, cut.ref.version), cut.files);
    await new Registry(store, { actor: 'test' }).register(cut.ref, 'challenger', 0.1);
    const result = await verifyRegistry(store);
    if (!result.ok) throw new Error(describeBrokenLink(result.broken));
    expect(result.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^${cut.ref.variant}/${cut.ref.version}: training stopped on its .* time budget`),
      ),
    ]);
  });

  it('accepts an empty store, a seed no decision has anchored yet, and a first champion with its entry', async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-verify-empty-')));
    expect(await verifyRegistry(store)).toEqual({
      ok: true,
      entries: 0,
      revision: null,
      head: null,
      artifacts: 0,
      warnings: [],
    });
    fixtures.copyInto(store.root);
    // What a deployment writes before any function runs.
    await store.put(
      storeKeys.registryState,
      serialiseState({
        schemaVersion: 1,
        revision: 1,
        champion: a,
        challengers: [],
        shadows: [],
        fallback: null,
      }),
    );
    expect(await verifyRegistry(store)).toMatchObject({ ok: true, entries: 0, revision: 1, seed: true });
    await ensureChampion(store, a);
    const [genesis] = await readHistory(store);
    expect(genesis).toMatchObject({ seq: 1, type: 'registered', subject: a, prevHash: null });
    expect(await verifyRegistry(store)).toEqual({
      ok: true,
      entries: 1,
      revision: 1,
      head: { seq: 1, sha256: genesis!.hash },
      artifacts: 1,
      warnings: [],
    });
  });

  it('names the seq of a hand-edited entry', async () => {
    const store = await busyRegistry();
    const path = entryFile(store, 3);
    const entry = readJson<Record<string, unknown>>(path);
    writeFileSync(path, JSON.stringify({ ...entry, details: { n: 10, from: 0.1, to: 0.5 } }));
    const broken = expectBroken(await verifyRegistry(store));
    expect(broken).toMatchObject({ kind: 'history', seq: 3, key: storeKeys.registryHistoryEntry(3) });
    expect(describeBrokenLink(broken)).toMatch(/^history seq 3 .*hash does not match its contents/);
  });

  it('names the entry after a middle one rewritten with a recomputed hash', async () => {
    const store = await busyRegistry();
    const [, , ramped] = await readHistory(store);
    const forged = { ...ramped!, actor: 'someone else' };
    writeFileSync(entryFile(store, 3), serialiseEntry({ ...forged, hash: hashOfEntry(forged) }));
    expect(expectBroken(await verifyRegistry(store))).toMatchObject({
      kind: 'history',
      seq: 4,
      reason: expect.stringMatching(/prevHash does not match seq 3/),
    });
  });

  it('names a removed entry', async () => {
    const store = await busyRegistry();
    unlinkSync(entryFile(store, 5));
    expect(expectBroken(await verifyRegistry(store))).toMatchObject({
      kind: 'history',
      seq: 5,
      reason: expect.stringMatching(/missing.*from seq 4 to seq 6/),
    });
  });

  it('names state.json when it was changed outside the registry', async () => {
    const store = await busyRegistry();
    const path = file(store, storeKeys.registryState);
    const state = readJson<Parameters<typeof serialiseState>[0]>(path);
    const { head } = readJson<{ head: { seq: number; sha256: string } }>(path);
    writeFileSync(path, serialiseState({ ...state, challengers: [{ ...c, weight: 0.9 }] }, head));
    expect(expectBroken(await verifyRegistry(store))).toMatchObject({
      kind: 'state',
      reason: expect.stringMatching(/differs from the state seq 8 recorded/),
    });

    writeFileSync(path, serialiseState({ ...state, revision: state.revision + 1 }, head));
    expect(expectBroken(await verifyRegistry(store))).toMatchObject({
      kind: 'state',
      reason: expect.stringMatching(/differs from the state seq 8 recorded for revision 8/),
    });
  });

  it('names an artifact whose ONNX was tampered with, even one that only the history still names', async () => {
    const store = await busyRegistry();
    await new Registry(store).rollback(c);
    const path = file(store, storeKeys.modelFile(c.variant, c.version, ARTIFACT_FILES.onnx));
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0x01, 100);
    writeFileSync(path, bytes);
    const broken = expectBroken(await verifyRegistry(store));
    expect(broken).toMatchObject({
      kind: 'artifact',
      ref: c,
      reason: expect.stringMatching(/model\.onnx has sha256/),
    });
    expect(describeBrokenLink(broken)).toContain(`artifact ${modelRefKey(c)}`);
  });

  it('names an artifact replaced by other bytes with a manifest rewritten to match', async () => {
    const store = await busyRegistry();
    // The fallback: champion before the history began, pinned by every entry since.
    const manifestPath = file(store, storeKeys.modelFile(a.variant, a.version, ARTIFACT_FILES.manifest));
    const manifest = readJson<ModelManifest>(manifestPath);
    const other = models[2]!;
    writeFileSync(
      file(store, storeKeys.modelFile(a.variant, a.version, ARTIFACT_FILES.onnx)),
      other.files[ARTIFACT_FILES.onnx]!,
    );
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, onnx: other.manifest.onnx }));
    expect(expectBroken(await verifyRegistry(store))).toMatchObject({
      kind: 'artifact',
      ref: a,
      reason: expect.stringMatching(/not the .* history seq 1 recorded: the artifact was replaced/),
    });
  });
});

/** Every way of shortening, rewriting or reordering the history, each named at its first bad link. */
describe('verifyRegistry against a tampered history', () => {
  const renameEntry = (store: LocalObjectStore, from: number, to: number) =>
    renameSync(entryFile(store, from), entryFile(store, to));

  /** Rewrites entry `seq` with `change` applied and its hash recomputed, as a careful forger would. */
  async function forge(store: LocalObjectStore, seq: number, change: (e: HistoryEntry) => HistoryEntry) {
    const entry = (await readHistory(store))[seq - 1]!;
    const forged = change(entry);
    writeFileSync(entryFile(store, seq), serialiseEntry({ ...forged, hash: hashOfEntry(forged) }));
  }

  it.each<[string, (store: LocalObjectStore) => Promise<void> | void, Record<string, unknown>]>([
    [
      'the first entry deleted',
      (store) => unlinkSync(entryFile(store, 1)),
      { seq: 1, reason: expect.stringMatching(/starts at seq 2: the entries before it were removed/) },
    ],
    [
      'the first entry deleted and the rest renumbered',
      (store) => {
        unlinkSync(entryFile(store, 1));
        for (let seq = 2; seq <= 8; seq++) renameEntry(store, seq, seq - 1);
      },
      { seq: 1, reason: expect.stringMatching(/says seq 2 but is stored as seq 1/) },
    ],
    [
      'a middle entry deleted',
      (store) => unlinkSync(entryFile(store, 4)),
      { seq: 4, reason: expect.stringMatching(/jumps from seq 3 to seq 5/) },
    ],
    [
      'the last entry deleted',
      (store) => unlinkSync(entryFile(store, 8)),
      {
        seq: 8,
        reason: expect.stringMatching(/names seq 8 as the history's head, the history ends at seq 7/),
      },
    ],
    [
      'the history truncated to its first three entries',
      (store) => {
        for (let seq = 4; seq <= 8; seq++) unlinkSync(entryFile(store, seq));
      },
      {
        seq: 4,
        reason: expect.stringMatching(/names seq 8 as the history's head, the history ends at seq 3/),
      },
    ],
    [
      'every entry deleted',
      (store) => {
        for (let seq = 1; seq <= 8; seq++) unlinkSync(entryFile(store, seq));
      },
      { seq: 1, reason: expect.stringMatching(/the history is empty: entries were removed/) },
    ],
    [
      'an entry cut short',
      (store) => {
        const path = entryFile(store, 6);
        writeFileSync(path, readFileSync(path, 'utf8').slice(0, 120));
      },
      { seq: 6, reason: expect.stringMatching(/not JSON/) },
    ],
    [
      'the last entry rewritten with a recomputed hash',
      (store) => forge(store, 8, (e) => ({ ...e, details: { ...e.details, psi: 0.01 } })),
      { seq: 8, reason: expect.stringMatching(/names [0-9a-f]{12}… for it: the entry was rewritten/) },
    ],
    [
      'a middle entry rewritten with a recomputed hash',
      (store) => forge(store, 4, (e) => ({ ...e, actor: 'someone else' })),
      { seq: 5, reason: expect.stringMatching(/prevHash does not match seq 4/) },
    ],
    [
      'the first entry rewritten with a recomputed hash',
      (store) => forge(store, 1, (e) => ({ ...e, details: { ...e.details, reason: 'forged' } })),
      { seq: 2, reason: expect.stringMatching(/prevHash does not match seq 1/) },
    ],
    [
      'two entries swapped',
      (store) => {
        renameEntry(store, 3, 9);
        renameEntry(store, 4, 3);
        renameEntry(store, 9, 4);
      },
      { seq: 3, reason: expect.stringMatching(/says seq 4 but is stored as seq 3: entries were moved/) },
    ],
  ])('names the first bad link: %s', async (_, tamper, link) => {
    const store = await busyRegistry();
    await tamper(store);
    const broken = expectBroken(await verifyRegistry(store));
    expect(broken).toMatchObject({ kind: 'history', ...link });
    // A decision taken afterwards neither hides the damage nor moves it: the writer refuses to
    // chain onto a head that is not state.json's, and anything earlier stays where verify finds it.
    await new Registry(store).recordDrift({ psi: 0.5 }).catch((err: unknown) => {
      expect(err).toBeInstanceOf(RegistryIntegrityError);
    });
    expect(expectBroken(await verifyRegistry(store))).toEqual(broken);
  });

  it.each<[string, (document: Record<string, unknown>, older: HistoryEntry) => unknown, RegExp]>([
    [
      'another entry’s seq',
      (document) => ({ ...document, head: { ...(document.head as object), seq: 6 } }),
      /names [0-9a-f]{12}… for it: the entry was rewritten \(or registry\/state\.json's head was\)/,
    ],
    [
      'a made-up sha256',
      (document) => ({ ...document, head: { ...(document.head as object), sha256: 'f'.repeat(64) } }),
      /names ffffffffffff… for it/,
    ],
    [
      'an older state and its head written back',
      (_, older) => ({ ...older.state, head: { seq: older.seq, sha256: older.hash } }),
      /names seq 6 as the head, more than one entry behind the history's seq 8: an older state was written back/,
    ],
    [
      'no head at all',
      (document) => ({ ...document, head: undefined }),
      /names no history head, .*the head was removed/,
    ],
  ])('names state.json pointing at a wrong head: %s', async (_, change, reason) => {
    const store = await busyRegistry();
    const path = file(store, storeKeys.registryState);
    const older = (await readHistory(store))[5]!;
    writeFileSync(path, JSON.stringify(change(readJson<Record<string, unknown>>(path), older)));
    expect(describeBrokenLink(expectBroken(await verifyRegistry(store)))).toMatch(reason);
    await expect(new Registry(store).recordDrift({ psi: 0.5 })).rejects.toBeInstanceOf(
      RegistryIntegrityError,
    );
  });

  it('rebuilds nothing from the history when state.json is deleted', async () => {
    const store = await busyRegistry();
    unlinkSync(file(store, storeKeys.registryState));
    expect(expectBroken(await verifyRegistry(store))).toMatchObject({ kind: 'state', reason: /missing/ });
    await expect(new Registry(store).recordDrift({})).rejects.toThrow(/state\.json is missing/);
  });
});

/**
 * A store as the previous version left it: a seed state.json (revision 1) with no entry, then
 * decisions from revision 2 on, and a state.json without a head.
 */
async function legacyStore(): Promise<LocalObjectStore> {
  const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-verify-legacy-')));
  fixtures.copyInto(store.root);
  const seed = {
    schemaVersion: 1 as const,
    revision: 1,
    champion: a,
    challengers: [],
    shadows: [],
    fallback: null,
  };
  const sha = (ref: ModelRef) => models.find((m) => m.ref.version === ref.version)!.manifest.onnx.sha256;
  const registered = chainEntry(undefined, {
    time: '2024-06-01T00:00:00.000Z',
    type: 'registered',
    actor: 'retrain-job',
    subject: b,
    details: { onnxSha256: sha(b), role: 'challenger', weight: 0.1 },
    state: { ...seed, revision: 2 },
    artifacts: { [modelRefKey(a)]: sha(a) },
  });
  const added = chainEntry(registered, {
    time: '2024-06-01T00:00:01.000Z',
    type: 'challenger-added',
    actor: 'retrain-job',
    subject: b,
    details: { weight: 0.1, onnxSha256: sha(b) },
    state: { ...seed, revision: 3, challengers: [{ ...b, weight: 0.1 }] },
    artifacts: { [modelRefKey(a)]: sha(a), [modelRefKey(b)]: sha(b) },
  });
  for (const entry of [registered, added]) await appendEntry(store, entry);
  await store.put(storeKeys.registryState, serialiseState(added.state));
  return store;
}

describe('a history an older version wrote', () => {
  it('fails verify with the command that migrates it, and verifies once anchored', async () => {
    const store = await legacyStore();
    const broken = expectBroken(await verifyRegistry(store));
    expect(broken).toMatchObject({ kind: 'state' });
    expect(describeBrokenLink(broken)).toMatch(/written by an older version, run "hscode models migrate"/);

    const anchor = await new Registry(store, { actor: 'cli' }).ensureAnchored();
    expect(anchor).toMatchObject({
      seq: 3,
      type: 'history-anchored',
      details: { legacyEntries: 2, legacyFirstRevision: 2 },
    });
    expect(anchor?.state).toMatchObject({ revision: 4, challengers: [{ ...b, weight: 0.1 }] });
    expect(await verifyRegistry(store)).toMatchObject({ ok: true, entries: 3, revision: 4, anchoredAt: 3 });
    expect(await new Registry(store).ensureAnchored()).toBeUndefined();
  });

  it('is anchored by the next decision too, which then applies on top', async () => {
    const store = await legacyStore();
    const ramped = await new Registry(store, { actor: 'promote-job' }).ramp(b, 0.25);
    expect(ramped.entry).toMatchObject({ seq: 4, type: 'ramped' });
    expect((await readHistory(store)).map((e) => e.type)).toEqual([
      'registered',
      'challenger-added',
      'history-anchored',
      'ramped',
    ]);
    expect(await verifyRegistry(store)).toMatchObject({ ok: true, entries: 4, revision: 5 });
  });

  it('refuses to anchor a legacy chain that is already broken', async () => {
    const store = await legacyStore();
    const path = entryFile(store, 1);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"retrain-job"', '"someone"'));
    await expect(new Registry(store).ensureAnchored()).rejects.toThrow(
      /cannot be anchored: history seq 1 .*hash does not match/,
    );
    expect(await readHistory(store)).toHaveLength(2);
  });
});
