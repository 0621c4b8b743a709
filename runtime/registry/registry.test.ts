import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ARTIFACT_FILES } from '../../models/artifact';
import { storeKeys } from '../../models/store-layout';
import { barrier, RendezvousStore } from '../../tests/helpers/rendezvous-store';
import { fixtureModelSet, type FixtureModel, type FixtureModelSet } from '../../tests/helpers/model-fixture';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import { LocalObjectStore } from '../store/local-store';
import { appendEntry, chainEntry, readHistory, readHistoryHead } from './history';
import { NoRegistryStateError, Registry, RegistryDecisionError } from './registry';
import { readRegistryState } from './registry-state';
import { verifyRegistry } from './verify';

const run = promisify(execFile);

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

/** A store holding the three fixture models, with `a` as champion (as `hscode serve` leaves it). */
const freshStore = () => fixtures.storeWithChampion();

const manifestOf = (ref: ModelRef) => models.find((m) => m.ref.version === ref.version)!.manifest;
const clock = () => {
  let t = Date.UTC(2024, 5, 1);
  return () => new Date((t += 60_000));
};

describe('Registry', () => {
  it('registers a challenger: its lineage and metrics first, then its routing', async () => {
    const store = await freshStore();
    const registry = new Registry(store, { actor: 'retrain-job', now: clock() });
    const result = await registry.register(b, 'challenger', 0.2, { gate: 'passed' });
    expect(result.applied).toBe(true);
    expect(result.state).toMatchObject({ revision: 3, champion: a, challengers: [{ ...b, weight: 0.2 }] });

    const [genesis, registered, added] = await readHistory(store);
    const manifest = manifestOf(b);
    // The first champion has an entry of its own: the chain starts at revision 1.
    expect(genesis).toMatchObject({ seq: 1, type: 'registered', subject: a, prevHash: null });
    expect(genesis?.state.revision).toBe(1);
    expect(registered).toMatchObject({
      seq: 2,
      type: 'registered',
      actor: 'retrain-job',
      subject: b,
      details: {
        role: 'challenger',
        gate: 'passed',
        onnxSha256: manifest.onnx.sha256,
        metrics: manifest.metrics,
        lineage: {
          parentVersion: manifest.parentVersion,
          dataSha256: manifest.data.sha256,
          codeVersion: manifest.codeVersion,
        },
      },
    });
    expect(registered?.state.challengers).toEqual([]);
    expect(added).toMatchObject({ seq: 3, type: 'challenger-added', prevHash: registered?.hash });
    expect(added?.state).toEqual((await readRegistryState(store))?.state);
    expect(added?.artifacts).toEqual({
      [modelRefKey(a)]: manifestOf(a).onnx.sha256,
      [modelRefKey(b)]: manifest.onnx.sha256,
    });
  });

  it('leaves a model that is already routed where it is, and refuses weights above 1 before recording anything', async () => {
    const store = await freshStore();
    const registry = new Registry(store);
    await registry.register(b, 'challenger', 0.7);
    const again = await registry.register(b, 'shadow');
    expect(again).toMatchObject({
      applied: false,
      reason: expect.stringContaining('already the challenger'),
    });
    await expect(registry.register(c, 'challenger', 0.5)).rejects.toThrow(/add up to 1\.2/);
    expect((await readHistory(store)).map((e) => e.type)).toEqual([
      'registered',
      'registered',
      'challenger-added',
    ]);
    expect((await registry.register(c, 'shadow')).state.shadows).toEqual([c]);
  });

  it('ramps, promotes (the champion becomes the fallback) and rolls back to the fallback', async () => {
    const store = await freshStore();
    const registry = new Registry(store, { actor: 'promote-job' });
    await registry.register(b, 'challenger', 0.1);
    const ramped = await registry.ramp(b, 0.5, { pValue: 0.01 });
    expect(ramped.entry?.details).toEqual({ pValue: 0.01, from: 0.1, to: 0.5 });

    const promoted = await registry.promote(b, { top1Delta: 0.021 });
    expect(promoted.state).toMatchObject({ champion: b, fallback: a, challengers: [] });
    expect(promoted.entry?.details).toMatchObject({ top1Delta: 0.021, weight: 0.5, previousChampion: a });
    expect(await registry.promote(b)).toMatchObject({
      applied: false,
      reason: expect.stringMatching(/already the champion/),
    });

    const rolledBack = await registry.rollback(undefined, { reason: 'complaints' });
    expect(rolledBack.state).toMatchObject({ champion: a, fallback: null });
    expect(rolledBack.entry).toMatchObject({
      type: 'rolled-back',
      subject: b,
      details: { role: 'champion', restored: a },
    });
    await expect(registry.rollback()).rejects.toThrow(/no fallback/);
    expect((await readRegistryState(store))?.state.revision).toBe(rolledBack.state.revision);
  });

  it('removes a challenger or a shadow on rollback, and decides nothing for a model that is not serving', async () => {
    const store = await freshStore();
    const registry = new Registry(store);
    await registry.register(b, 'challenger', 0.3);
    await registry.register(c, 'shadow');
    expect((await registry.rollback(b)).state).toMatchObject({ champion: a, challengers: [], shadows: [c] });
    expect((await registry.rollback(c)).state.shadows).toEqual([]);
    expect(await registry.rollback(b)).toMatchObject({
      applied: false,
      reason: expect.stringMatching(/not serving/),
    });
  });

  it('records rejections and drift alarms without changing who serves', async () => {
    const store = await freshStore();
    const registry = new Registry(store);
    const rejected = await registry.reject(c, ['top-1 hs6 below the champion by 3 points'], { n: 78 });
    expect(rejected.entry).toMatchObject({
      type: 'rejected',
      subject: c,
      details: {
        reasons: ['top-1 hs6 below the champion by 3 points'],
        n: 78,
        onnxSha256: manifestOf(c).onnx.sha256,
      },
    });
    const drift = await registry.recordDrift({ psi: 0.31, window: '2024-06-01/2024-06-07' });
    expect(drift.entry).toMatchObject({ type: 'drift-alarm', subject: a, details: { psi: 0.31 } });
    expect(drift.state).toMatchObject({ champion: a, challengers: [], shadows: [], revision: 3 });

    await registry.register(b, 'challenger', 0.1);
    await expect(registry.reject(b, ['late'])).rejects.toBeInstanceOf(RegistryDecisionError);
  });

  it('refuses to promote a challenger whose ONNX no longer matches its manifest', async () => {
    const store = await freshStore();
    const registry = new Registry(store);
    await registry.register(b, 'challenger', 0.1);
    const onnx = join(store.root, storeKeys.modelFile(b.variant, b.version, ARTIFACT_FILES.onnx));
    const bytes = readFileSync(onnx);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(onnx, bytes);
    await expect(registry.promote(b)).rejects.toThrow(/model\.onnx has sha256/);
    expect((await readRegistryState(store))?.state.champion).toEqual(a);
  });

  it('needs a champion to decide anything', async () => {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-registry-empty-')));
    await expect(new Registry(store).recordDrift({})).rejects.toBeInstanceOf(NoRegistryStateError);
  });

  describe('racing decisions', () => {
    it('applies exactly one of two promotions racing in one process; the other re-reads and decides nothing', async () => {
      const store = await freshStore();
      await new Registry(store).register(b, 'challenger', 0.5);
      const arrive = barrier(2);
      const racers = [1, 2].map(
        (n) => new Registry(new RendezvousStore(store, arrive), { actor: `promote-job-${n}` }),
      );
      const results = await Promise.all(racers.map((r) => r.promote(b)));

      expect(results.filter((r) => r.applied)).toHaveLength(1);
      const loser = results.find((r) => !r.applied)!;
      expect(loser.attempts).toBeGreaterThanOrEqual(2);
      expect(loser.reason).toMatch(/already the champion/);
      expect(loser.state).toMatchObject({ champion: b, fallback: a });
      expect((await readHistory(store)).filter((e) => e.type === 'promoted')).toHaveLength(1);
      expect(await verifyRegistry(store)).toMatchObject({ ok: true });
    });

    it('applies both of two different decisions that race, one after the other', async () => {
      const store = await freshStore();
      await new Registry(store).register(b, 'challenger', 0.5);
      const arrive = barrier(2);
      const [promoter, watcher] = [1, 2].map(
        (n) => new Registry(new RendezvousStore(store, arrive), { actor: `job-${n}` }),
      );
      const [promoted, drift] = await Promise.all([promoter!.promote(b), watcher!.recordDrift({ psi: 0.4 })]);
      expect([promoted.applied, drift.applied]).toEqual([true, true]);
      // At least one of them lost an append and re-read; under load it can lose more than once.
      expect(promoted.attempts + drift.attempts).toBeGreaterThanOrEqual(3);
      const entries = await readHistory(store);
      expect(entries.map((e) => e.state.revision)).toEqual([1, 2, 3, 4, 5]);
      expect((await readRegistryState(store))?.state).toMatchObject({ champion: b, revision: 5 });
    });

    it('applies exactly one of two promotions racing in separate processes', async () => {
      const store = await freshStore();
      await new Registry(store).register(b, 'challenger', 0.5);
      const rendezvous = mkdtempSync(join(tmpdir(), 'hscode-rendezvous-'));
      const racer = join(__dirname, '..', '..', 'tests', 'helpers', 'registry-race-promoter.ts');
      const race = () =>
        run(process.execPath, [
          '--import',
          'tsx',
          racer,
          store.root,
          b.variant,
          b.version,
          rendezvous,
          '2',
        ]).then(
          ({ stdout }) => JSON.parse(stdout) as { applied: boolean; attempts: number; reason?: string },
        );
      const results = await Promise.all([race(), race()]);

      expect(results.map((r) => r.applied).sort()).toEqual([false, true]);
      const loser = results.find((r) => !r.applied)!;
      // It lost the append at least once; under load it can also lose completing state.json.
      expect(loser.attempts).toBeGreaterThanOrEqual(2);
      expect(loser.reason).toMatch(/already the champion/);
      const promotions = (await readHistory(store)).filter((e) => e.type === 'promoted');
      expect(promotions).toHaveLength(1);
      expect(promotions[0]?.actor).toMatch(/^promote-job-\d+$/);
      expect((await readRegistryState(store))?.state).toMatchObject({
        champion: b,
        fallback: a,
        challengers: [],
      });
      expect(await verifyRegistry(store)).toMatchObject({ ok: true });
    });
  });

  describe('a writer that stopped between the history entry and state.json', () => {
    /** What a crash after the append leaves: the entry, and state.json one revision behind it. */
    async function crashAfterAppend(store: LocalObjectStore) {
      const { state } = (await readRegistryState(store))!;
      const head = await readHistoryHead(store);
      const artifacts = head?.artifacts ?? {};
      const entry = chainEntry(head, {
        time: new Date().toISOString(),
        type: 'promoted',
        actor: 'crashed-job',
        subject: b,
        details: {},
        state: { ...state, revision: state.revision + 1, champion: b, fallback: a, challengers: [] },
        artifacts,
      });
      await appendEntry(store, entry);
      return entry;
    }

    it('leaves an entry verify reports as not applied, which the next decision applies before its own', async () => {
      const store = await freshStore();
      const registry = new Registry(store);
      await registry.register(b, 'challenger', 0.5);
      const pending = await crashAfterAppend(store);
      expect(await verifyRegistry(store)).toMatchObject({
        ok: true,
        notApplied: { seq: pending.seq, revision: pending.state.revision },
      });

      const drift = await registry.recordDrift({ psi: 0.2 });
      expect(drift.entry).toMatchObject({ seq: pending.seq + 1, subject: b, prevHash: pending.hash });
      expect(drift.state).toMatchObject({ champion: b, fallback: a, revision: pending.state.revision + 1 });
      const verified = await verifyRegistry(store);
      expect(verified).toMatchObject({ ok: true, revision: drift.state.revision });
      expect(verified).not.toHaveProperty('notApplied');
    });

    it('completes the entry on read, and a decision that assumed the old state then decides on the new one', async () => {
      const store = await freshStore();
      const registry = new Registry(store);
      await registry.register(b, 'challenger', 0.5);
      await crashAfterAppend(store);
      expect((await registry.read()).champion).toEqual(b);
      expect((await readRegistryState(store))?.state.champion).toEqual(b);
      expect(await registry.promote(b)).toMatchObject({ applied: false });
    });
  });
});
