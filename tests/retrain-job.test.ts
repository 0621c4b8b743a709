import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queueFeedbackRetrain } from '../runtime/jobs/feedback-retrain';
import {
  RETRAIN_STEPS,
  retrainFromIncoming,
  sweepTemporaryFolders,
  type RetrainStep,
} from '../runtime/jobs/retrain';
import type { RetrainConfig } from '../runtime/jobs/retrain-config';
import { readHistory } from '../runtime/registry/history';
import { Registry } from '../runtime/registry/registry';
import { ensureChampion } from '../runtime/registry/ensure-champion';
import { verifyRegistry } from '../runtime/registry/verify';
import { LocalObjectStore } from '../runtime/store/local-store';
import { CrashingStore } from './helpers/crashing-store';
import { feedbackRecord, storeFeedback } from './helpers/feedback-fixture';
import { tinyDataset } from './helpers/tiny-dataset';
import { trainTinyModel, type TrainedModel } from './helpers/trained-model';

const quick: Partial<RetrainConfig> = {
  withDefaultCorpus: false,
  training: { epochs: 4, batchSize: 32, learningRate: 0.01, patience: 4 },
  gate: { maxDrop: 1, floor: 0 },
};

/** A labelled CSV as a user drops it: good rows plus two that ingestion must reject. */
function incomingCsv(seed: number): string {
  const rows = tinyDataset(24, 10, seed).map((r) => `"${r.text.replace(/"/g, '""')}",${r.hs6}`);
  return ['description,hs_code', ...rows, 'a row with an unknown code,999999', ',610910', ''].join('\n');
}

describe('the retrain job', () => {
  let champion: TrainedModel;
  let store: LocalObjectStore;
  let registry: Registry;

  beforeAll(async () => {
    champion = await trainTinyModel({ seed: 21 });
    store = new LocalObjectStore(champion.home);
    await ensureChampion(store, champion.ref);
    registry = new Registry(store, { actor: 'retrain' });
  }, 120_000);

  it('validates a new file, trains, scores against the champion and registers a challenger', async () => {
    await store.put('data/incoming/batch-1.csv', incomingCsv(2));
    const outcome = await retrainFromIncoming({
      store,
      registry,
      key: 'data/incoming/batch-1.csv',
      config: quick,
    });
    expect(outcome.status).toBe('registered');
    if (outcome.status !== 'registered') return;
    expect(outcome.gate.champion).not.toBeNull();
    const state = await registry.read();
    expect(state.champion).toEqual(champion.ref);
    expect(state.challengers).toEqual([{ ...outcome.ref, weight: 0.1 }]);
    const types = (await readHistory(store)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['registered', 'challenger-added']);
    // Rejected rows are kept, not dropped.
    const rejects = (await store.list('data/rejects/')).filter((k) => k.includes('batch-1.csv'));
    expect(rejects).toHaveLength(1);
    expect(await verifyRegistry(store)).toMatchObject({ ok: true });
  }, 120_000);

  it('never trains the same content twice, whatever the file is called', async () => {
    await store.put('data/incoming/batch-1-copy.csv', incomingCsv(2));
    const outcome = await retrainFromIncoming({
      store,
      registry,
      key: 'data/incoming/batch-1-copy.csv',
      config: quick,
    });
    expect(outcome).toMatchObject({ status: 'skipped' });
  });

  it('records a candidate that fails the gate as rejected, with the reason, and routes nothing to it', async () => {
    const before = await registry.read();
    await store.put('data/incoming/batch-2.csv', incomingCsv(3));
    const outcome = await retrainFromIncoming({
      store,
      registry,
      key: 'data/incoming/batch-2.csv',
      config: { ...quick, gate: { maxDrop: 0, floor: 0.999 } },
    });
    expect(outcome.status).toBe('rejected');
    const after = await registry.read();
    expect(after.challengers).toEqual(before.challengers);
    const last = (await readHistory(store)).at(-1);
    expect(last?.type).toBe('rejected');
    expect(JSON.stringify(last?.details)).toMatch(/below the floor/);
  }, 120_000);

  it('trains on the feedback a schedule or a drift alarm queued', async () => {
    // Feedback on predictions whose descriptions were kept, as `--record-text` deployments store it.
    await storeFeedback(
      store,
      tinyDataset(24, 4, 5).map((row, i) => feedbackRecord(`feedback-${i}`, row.hs6, row.text)),
    );
    const queued = await queueFeedbackRetrain(store);
    expect(queued).toMatchObject({ queued: true });
    const outcome = await retrainFromIncoming({ store, registry, key: queued!.key, config: quick });
    expect(outcome.status).toBe('registered');
  }, 120_000);

  /** A crash at every step of the job, then a run that completes the work exactly once. */
  const crashes: Array<[string, { step?: RetrainStep; registryWrite?: number }]> = [
    ...RETRAIN_STEPS.map((step): [string, { step: RetrainStep }] => [step, { step }]),
    // The registration is two registry decisions, each an entry append then state.json.
    ...[1, 2, 3, 4].map((n): [string, { registryWrite: number }] => [
      `before registry write ${n}`,
      { registryWrite: n },
    ]),
  ];

  it.each(crashes)(
    'leaves the registry verifiable after a crash %s, and the next run completes the work once',
    async (_, crash) => {
      // Room for one more challenger: each case registers one.
      for (const challenger of (await registry.read()).challengers) await registry.rollback(challenger);
      const history = (await readHistory(store)).length;
      const key = `data/incoming/crash-${history}.csv`;
      await store.put(key, incomingCsv(10 + history));
      const crashing = crash.registryWrite
        ? new CrashingStore(store, crash.registryWrite, 'registry/')
        : store;
      await expect(
        retrainFromIncoming({
          store: crashing,
          registry: new Registry(crashing, { actor: 'retrain' }),
          key,
          config: quick,
          ...(crash.step ? { crashAt: crash.step } : {}),
        }),
      ).rejects.toThrow(/injected crash/);
      expect(await verifyRegistry(store)).toMatchObject({ ok: true });
      const logs: string[] = [];
      const retried = await retrainFromIncoming({
        store,
        registry,
        key,
        config: quick,
        log: (l) => logs.push(l),
      });
      expect(retried.status).toBe('registered');
      // A candidate the crashed run had published is scored, not trained again.
      const published =
        crash.step !== 'after-claim' && crash.step !== 'after-ingest' && crash.step !== 'before-export';
      expect(logs.some((l) => l.startsWith('reusing'))).toBe(published);
      const added = (await readHistory(store)).slice(history).filter((e) => e.type === 'challenger-added');
      expect(added).toHaveLength(1);
      expect(await verifyRegistry(store)).toMatchObject({ ok: true });
      expect(await retrainFromIncoming({ store, registry, key, config: quick })).toMatchObject({
        status: 'skipped',
      });
    },
    120_000,
  );
});

describe('temporary folders of killed runs', () => {
  it('are removed by the next run, and those of live runs are left alone', () => {
    const parent = mkdtempSync(join(tmpdir(), 'hscode-sweep-'));
    mkdirSync(join(parent, 'hscode-retrain-111-abc'));
    mkdirSync(join(parent, 'hscode-retrain-222-def'));
    mkdirSync(join(parent, 'unrelated'));
    expect(sweepTemporaryFolders(parent, (pid) => pid === 222)).toEqual(['hscode-retrain-111-abc']);
    expect(readdirSync(parent).sort()).toEqual(['hscode-retrain-222-def', 'unrelated']);
  });
});
