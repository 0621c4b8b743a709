import { mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
import { hashOfEntry, readHistory, serialiseEntry } from './history';
import { Registry } from './registry';
import { ensureChampion, serialiseState } from './registry-state';
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
 * Seven decisions: b registered and added, ramped, promoted (a becomes the fallback), c
 * registered and added as shadow, a drift alarm. Seqs 1..7, state revisions 2..8.
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
    expect(await verifyRegistry(store)).toEqual({
      ok: true,
      entries: 7,
      revision: 8,
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

  it('accepts an empty store and a registry with no decisions yet', async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-verify-empty-')));
    expect(await verifyRegistry(store)).toEqual({
      ok: true,
      entries: 0,
      revision: null,
      artifacts: 0,
      warnings: [],
    });
    fixtures.copyInto(store.root);
    await ensureChampion(store, a);
    expect(await verifyRegistry(store)).toEqual({
      ok: true,
      entries: 0,
      revision: 1,
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

  it('names the entry after one rewritten with a recomputed hash', async () => {
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
    writeFileSync(path, serialiseState({ ...state, challengers: [{ ...c, weight: 0.9 }] }));
    expect(expectBroken(await verifyRegistry(store))).toMatchObject({
      kind: 'state',
      reason: expect.stringMatching(/differs from the state seq 7 recorded/),
    });

    writeFileSync(path, serialiseState({ ...state, revision: state.revision + 1 }));
    expect(expectBroken(await verifyRegistry(store))).toMatchObject({
      kind: 'state',
      reason: expect.stringMatching(/revision 9 but the last history entry \(seq 7\) produced revision 8/),
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
