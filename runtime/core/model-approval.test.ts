import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ARTIFACT_FILES } from '../../models/artifact';
import type { ModelRef } from '../../models/model-ref';
import { storeKeys } from '../../models/store-layout';
import { fixtureModelSet, type FixtureModelSet } from '../../tests/helpers/model-fixture';
import { readHistory } from '../registry/history';
import { checkApprovals, recordUnapproved } from '../registry/integrity-alarm';
import { Registry } from '../registry/registry';
import { serialiseState } from '../registry/registry-state';
import type { LocalObjectStore } from '../store/local-store';
import type { AuditRecord, AuditSink } from './audit';
import { ModelUnavailableError } from './errors';
import { approvalOf, loadApprovedArtifact, UnapprovedModelError } from './model-approval';
import { PredictService } from './predict-service';

let fixtures: FixtureModelSet;
let a: ModelRef;
let b: ModelRef;

beforeAll(async () => {
  fixtures = await fixtureModelSet(2);
  [a, b] = fixtures.models.map((m) => m.ref) as [ModelRef, ModelRef];
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Flips a byte of the model and writes the new sha256 into its manifest: the files verify, the bytes are not the approved ones. */
function swap(store: LocalObjectStore, ref: ModelRef): string {
  const onnxPath = join(store.root, storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.onnx));
  const manifestPath = join(
    store.root,
    storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.manifest),
  );
  const bytes = readFileSync(onnxPath);
  bytes.writeUInt8(bytes.readUInt8(200) ^ 0x01, 200);
  writeFileSync(onnxPath, bytes);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { onnx: { sha256: string } };
  manifest.onnx.sha256 = sha256(bytes);
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return manifest.onnx.sha256;
}

const discard: AuditSink = {
  write: (_: AuditRecord) => undefined,
  flush: async () => {},
  close: async () => {},
};

function serviceOver(store: LocalObjectStore, registry: Registry, lines: string[] = []) {
  return new PredictService({
    store,
    audit: discard,
    registry: () => registry.read(),
    log: (line) => lines.push(line),
    onUnapprovedModel: (err) => recordUnapproved(registry, err),
  });
}

describe('loading only what the registry approved', () => {
  it('refuses a champion whose model and manifest were swapped, naming both hashes, and alarms once', async () => {
    const store = await fixtures.storeWithChampion();
    const registry = new Registry(store, { actor: 'test-server' });
    const approved = (await approvalOf(store, a))!.sha256;
    const found = swap(store, a);
    const error = await loadApprovedArtifact(store, a).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UnapprovedModelError);
    expect((error as Error).message).toContain(found);
    expect((error as Error).message).toContain(approved);
    expect((error as Error).message).toContain(`hscode models rollback ${a.version}`);

    const service = serviceOver(store, registry);
    await expect(service.predict({ descriptions: ['cotton t-shirt'] })).rejects.toThrow(
      ModelUnavailableError,
    );
    // A second service (another process, or a retry) does not alarm again.
    await expect(serviceOver(store, registry).preload()).rejects.toThrow(/not served/);
    const alarms = (await readHistory(store)).filter((e) => e.type === 'integrity-alarm');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      subject: a,
      actor: 'test-server',
      details: { approvedSha256: approved, foundSha256: found, approvedAtSeq: 1 },
    });
  });

  it('keeps the previous good champion serving when the one promoted after it was swapped', async () => {
    const store = await fixtures.storeWithChampion();
    const registry = new Registry(store, { actor: 'test' });
    const lines: string[] = [];
    const service = serviceOver(store, registry, lines);
    await service.preload();
    await registry.register(b, 'challenger', 0.5);
    await registry.promote(b, { reason: 'better' });
    swap(store, b);
    const answer = await service.predict({ descriptions: ['cotton t-shirt'], key: 'k' });
    expect(answer.predictions[0]?.modelVersion).toBe(a.version);
    expect(lines.join('\n')).toMatch(/not served.*still serving the last good champion/s);
    // And promoting swapped bytes is refused outright.
    await registry.rollback(undefined, { reason: 'files replaced' });
    await registry.register(b, 'challenger', 0.5).catch(() => undefined);
    await expect(registry.promote(b)).rejects.toThrow(UnapprovedModelError);
  });

  it('sends a swapped challenger’s traffic to the champion', async () => {
    const store = await fixtures.storeWithChampion();
    const registry = new Registry(store, { actor: 'test' });
    await registry.register(b, 'challenger', 1);
    swap(store, b);
    const service = serviceOver(store, registry);
    const answer = await service.predict({ descriptions: ['cotton t-shirt', 'frozen shrimp'] });
    expect(answer.predictions.map((p) => p.modelVersion)).toEqual([a.version, a.version]);
    expect((await readHistory(store)).filter((e) => e.type === 'integrity-alarm')).toHaveLength(1);
  });

  it('approves nothing when the head entry was rewritten', async () => {
    const store = await fixtures.storeWithChampion();
    const path = join(store.root, storeKeys.registryHistoryEntry(1));
    writeFileSync(path, readFileSync(path, 'utf8').replace('"registered"', '"rejected"'));
    await expect(loadApprovedArtifact(store, a)).rejects.toThrow(/missing or was rewritten/);
  });

  it('checks a seed by the sha256 its version name encodes', async () => {
    const store = await fixtures.storeWithChampion();
    const seed = {
      schemaVersion: 1 as const,
      revision: 1,
      champion: a,
      challengers: [],
      shadows: [],
      fallback: null,
    };
    const { rmSync } = await import('node:fs');
    rmSync(join(store.root, 'registry', 'history'), { recursive: true });
    writeFileSync(join(store.root, storeKeys.registryState), serialiseState(seed));
    expect(await approvalOf(store, a)).toBeUndefined();
    await expect(loadApprovedArtifact(store, a)).resolves.toMatchObject({ manifest: { version: a.version } });
    swap(store, a);
    await expect(loadApprovedArtifact(store, a)).rejects.toThrow(/its version name encodes/);
  });

  it('lets the scheduled jobs alarm on a swapped manifest without loading the model, once', async () => {
    const store = await fixtures.storeWithChampion();
    const registry = new Registry(store, { actor: 'scheduled-jobs' });
    expect(await checkApprovals(store, registry)).toEqual([]);
    swap(store, a);
    expect((await checkApprovals(store, registry)).map((e) => e.ref)).toEqual([a]);
    await checkApprovals(store, registry);
    expect((await readHistory(store)).filter((e) => e.type === 'integrity-alarm')).toHaveLength(1);
  });
});
