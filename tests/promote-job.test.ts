import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalAuditSink } from '../runtime/core/local-audit-sink';
import { PredictService } from '../runtime/core/predict-service';
import type { ModelRef } from '../models/model-ref';
import { LocalAuditTrail } from '../runtime/jobs/local-audit-trail';
import { runPromoteJob, type PromoteConfig } from '../runtime/jobs/promote';
import { readHistory } from '../runtime/registry/history';
import { Registry } from '../runtime/registry/registry';
import { ensureChampion } from '../runtime/registry/ensure-champion';
import { verifyRegistry } from '../runtime/registry/verify';
import { LocalObjectStore } from '../runtime/store/local-store';
import { mulberry32 } from '../runtime/stats/seeded-random';
import { writeFixtureModel } from './helpers/model-fixture';

const config: PromoteConfig = {
  test: { minSamplesPerArm: 100 },
  ramp: { steps: [0.5], minSamplesPerStep: 100 },
};

/**
 * A deployment with a champion and a 50% challenger, live predictions through the real service,
 * and analysts' feedback that confirms each arm's top code with the given probability.
 */
async function experiment(accuracy: { champion: number; challenger: number }, predictions = 900) {
  const home = mkdtempSync(join(tmpdir(), 'hscode-promote-'));
  const store = new LocalObjectStore(home);
  const champion = (await writeFixtureModel(home, { seed: 1 })).ref;
  const challenger = (await writeFixtureModel(home, { seed: 2 })).ref;
  await ensureChampion(store, champion);
  const registry = new Registry(store, { actor: 'test' });
  await registry.register(challenger, 'challenger', 0.5, {});

  const audit = new LocalAuditSink(home);
  const service = new PredictService({
    store,
    audit,
    predictionLookup: audit,
    registry: () => registry.read(),
  });
  const random = mulberry32(7);
  const isChallenger = (ref: { variant: string; modelVersion: string }) =>
    ref.modelVersion === challenger.version;
  for (let i = 0; i < predictions; i++) {
    const {
      predictions: [p],
    } = await service.predict({ descriptions: [`cotton t-shirt number ${i}`] });
    if (!p) throw new Error('no prediction');
    const top = p.candidates[0]?.hs6 as string;
    const right = random() < (isChallenger(p) ? accuracy.challenger : accuracy.champion);
    await service.submitFeedback({
      predictionId: p.predictionId,
      hs6: right ? top : top === '610910' ? '610990' : '610910',
    });
  }
  await service.close();
  return { home, store, registry, champion, challenger };
}

const auditOf = (home: string) => new LocalAuditTrail(home);

describe('the promote job', () => {
  it('promotes a challenger that is clearly better, keeping the old champion as fallback', async () => {
    const { home, store, registry, champion, challenger } = await experiment({
      champion: 0.6,
      challenger: 0.85,
    });
    const [evaluation] = await runPromoteJob({ store, registry, audit: auditOf(home), config });
    expect(evaluation).toMatchObject({ action: 'promote', applied: true });
    const state = await registry.read();
    expect(state.champion).toEqual(challenger);
    expect(state.fallback).toEqual(champion);
    const promoted = (await readHistory(store)).at(-1);
    expect(promoted?.type).toBe('promoted');
    expect(promoted?.details).toMatchObject({ reason: expect.stringMatching(/significantly better/) });
    expect(await verifyRegistry(store)).toMatchObject({ ok: true });
  }, 120_000);

  it('rolls back a challenger that is clearly worse', async () => {
    const { home, store, registry, champion } = await experiment({ champion: 0.85, challenger: 0.6 });
    const [evaluation] = await runPromoteJob({ store, registry, audit: auditOf(home), config });
    expect(evaluation).toMatchObject({ action: 'rollback', applied: true });
    const state = await registry.read();
    expect(state.champion).toEqual(champion);
    expect(state.challengers).toEqual([]);
  }, 120_000);

  it('keeps collecting while the evidence is thin, and changes nothing', async () => {
    const { home, store, registry } = await experiment({ champion: 0.7, challenger: 0.72 }, 120);
    const before = (await readHistory(store)).length;
    const [evaluation] = await runPromoteJob({ store, registry, audit: auditOf(home), config });
    expect(evaluation).toMatchObject({ action: 'hold', applied: false });
    expect((await readHistory(store)).length).toBe(before);
  }, 120_000);

  it('applies exactly one decision when two promote jobs race on the same state', async () => {
    const { home, store, challenger } = await experiment({ champion: 0.6, challenger: 0.85 });
    const jobs = ['job-a', 'job-b'].map((actor) =>
      runPromoteJob({ store, registry: new Registry(store, { actor }), audit: auditOf(home), config }),
    );
    const results = (await Promise.all(jobs)).flat();
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    const promotions = (await readHistory(store)).filter((e) => e.type === 'promoted');
    expect(promotions).toHaveLength(1);
    expect(promotions[0]?.subject).toEqual(challenger as ModelRef);
    expect(await verifyRegistry(store)).toMatchObject({ ok: true });
  }, 120_000);
});
