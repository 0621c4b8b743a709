import { LocalAuditSink } from '../runtime/core/local-audit-sink';
import { PredictService } from '../runtime/core/predict-service';
import { runDriftCheck } from '../runtime/jobs/drift-check';
import { LocalAuditTrail } from '../runtime/jobs/local-audit-trail';
import { readHistory } from '../runtime/registry/history';
import { Registry } from '../runtime/registry/registry';
import { ensureChampion } from '../runtime/registry/ensure-champion';
import { verifyRegistry } from '../runtime/registry/verify';
import { LocalObjectStore } from '../runtime/store/local-store';
import { seededRandom, shuffleInPlace } from '../training/rng';
import { FIXTURE_ANALYST } from './helpers/feedback-fixture';
import { tinyDataset } from './helpers/tiny-dataset';
import { trainTinyModel } from './helpers/trained-model';

describe('the drift check', () => {
  it('stays quiet on familiar traffic, then alarms once on unfamiliar words and queues feedback for retraining', async () => {
    // Enough held-out rows (288) that the baseline itself is not the noise the check refuses to judge.
    const model = await trainTinyModel({ seed: 41, perClass: 120 });
    const store = new LocalObjectStore(model.home);
    await ensureChampion(store, model.ref);
    const registry = new Registry(store, { actor: 'drift-check' });
    const audit = new LocalAuditSink(model.home);
    const service = new PredictService({
      store,
      audit,
      predictionLookup: audit,
      registry: () => registry.read(),
      recordText: true,
    });
    const check = () =>
      runDriftCheck({
        store,
        registry,
        audit: new LocalAuditTrail(model.home),
        retrainOnAlarm: true,
        windowSize: 400,
      });

    // Traffic like the held-out rows behind the baseline: new draws from the same product lines,
    // not the training rows themselves, which the model answers far more confidently.
    const familiar = tinyDataset(24, 20, 99).map((r) => r.text);
    shuffleInPlace(familiar, seededRandom(99));
    for (let i = 0; i < 400; i += 50) await service.predict({ descriptions: familiar.slice(i, i + 50) });
    await audit.flush();
    const quiet = await check();
    expect(quiet.alarmRecorded).toBe(false);
    expect(quiet.drift.status).not.toBe('alarm');

    // A new product line arrives: words the model never saw.
    const unfamiliar = Array.from({ length: 400 }, (_, i) => `zorblax quintessa module ${i} vexoprene`);
    const answered: Array<{ predictionId: string; candidates: Array<{ hs6: string }> }> = [];
    for (let i = 0; i < 400; i += 50) {
      const { predictions } = await service.predict({ descriptions: unfamiliar.slice(i, i + 50) });
      answered.push(...predictions);
    }
    // An analyst's corrections, each another of the offered codes: only feedback that names its
    // giver teaches, and a confident answer moved outside its candidates would be held instead.
    for (const { predictionId, candidates } of answered.slice(0, 5))
      await service.submitFeedback({ predictionId, hs6: candidates[1]!.hs6 }, FIXTURE_ANALYST);
    await audit.flush();

    const alarmed = await check();
    expect(alarmed.alarmRecorded).toBe(true);
    expect(alarmed.drift.indicators.find((i) => i.name === 'unknown-word-rate')?.status).toBe('alarm');
    const entry = (await readHistory(store)).at(-1);
    expect(entry?.type).toBe('drift-alarm');
    expect(JSON.stringify(entry?.details)).toMatch(/unknown-word-rate/);
    expect(alarmed.retrainInput).toMatch(/^data\/incoming\/feedback-[0-9a-f]{12}\.csv$/);
    const queued = await store.get(alarmed.retrainInput as string);
    expect(Buffer.from(queued?.body ?? []).toString()).toContain('zorblax');

    expect((await check()).alarmRecorded).toBe(false);
    expect(await verifyRegistry(store)).toMatchObject({ ok: true });
    await service.close();
    // A fixed amount of work (a 2,880-row training among it); a shared machine sets how long it takes.
  }, 600_000);
});
