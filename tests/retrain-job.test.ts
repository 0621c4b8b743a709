import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { storeKeys } from '../models/store-layout';
import { queueFeedbackRetrain } from '../runtime/jobs/feedback-retrain';
import { retrainFromIncoming, type RetrainStep } from '../runtime/jobs/retrain';
import type { RetrainConfig } from '../runtime/jobs/retrain-config';
import { readHistory } from '../runtime/registry/history';
import { Registry } from '../runtime/registry/registry';
import { ensureChampion } from '../runtime/registry/ensure-champion';
import { verifyRegistry } from '../runtime/registry/verify';
import { LocalObjectStore } from '../runtime/store/local-store';
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

  const stateBytes = () => readFileSync(join(champion.home, storeKeys.registryState), 'utf8');

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

  it.each<RetrainStep>(['before-export', 'after-upload', 'before-state-write'])(
    'leaves the registry as it was and verifiable after a crash %s',
    async (step) => {
      const state = stateBytes();
      const history = (await readHistory(store)).length;
      const key = `data/incoming/crash-${step}.csv`;
      await store.put(key, incomingCsv(10 + history));
      await expect(
        retrainFromIncoming({ store, registry, key, config: quick, crashAt: step }),
      ).rejects.toThrow(`injected crash ${step}`);
      expect(stateBytes()).toBe(state);
      expect((await readHistory(store)).length).toBe(history);
      expect(await verifyRegistry(store)).toMatchObject({ ok: true });
      // The claim of the crashed run goes stale and the file is retried, once.
      const retried = await retrainFromIncoming({
        store,
        registry,
        key,
        config: { ...quick, staleClaimMs: 0 },
      });
      expect(retried.status).toBe('registered');
    },
    120_000,
  );
});
