import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKeys } from '../../models/store-layout';
import { auditRecordsIn } from '../../tests/helpers/audit-records';
import { writeFixtureModel, type FixtureModel } from '../../tests/helpers/model-fixture';
import { LocalObjectStore } from '../store/local-store';
import type { CoalescedBatch } from './coalescer';
import { ModelUnavailableError, RequestValidationError } from './errors';
import { LocalAuditSink } from './local-audit-sink';
import { PredictService, type PredictServiceOptions } from './predict-service';
import { routeRequest, type RoutingState } from './router';
import { releaseSharedSessions } from './session-cache';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('PredictService', () => {
  const home = mkdtempSync(join(tmpdir(), 'hscode-service-'));
  const store = new LocalObjectStore(home);
  let champion: FixtureModel;
  let challenger: FixtureModel;
  let shadow: FixtureModel;
  let tampered: FixtureModel;
  const services: PredictService[] = [];

  function service(state: RoutingState | (() => RoutingState), extra: Partial<PredictServiceOptions> = {}) {
    const lines: string[] = [];
    const created = new PredictService({
      store,
      audit: new LocalAuditSink(mkdtempSync(join(tmpdir(), 'hscode-service-audit-'))),
      registry: typeof state === 'function' ? state : () => state,
      log: (line) => lines.push(line),
      ...extra,
    });
    services.push(created);
    return { service: created, lines };
  }

  beforeAll(async () => {
    champion = await writeFixtureModel(home, { seed: 1, abstainThreshold: 0.045 });
    challenger = await writeFixtureModel(home, { variant: 'dnn', seed: 2 });
    shadow = await writeFixtureModel(home, { seed: 3 });
    tampered = await writeFixtureModel(home, { seed: 4 });
    const onnx = join(home, storeKeys.modelFile(tampered.ref.variant, tampered.ref.version, 'model.onnx'));
    const bytes = readFileSync(onnx);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x01;
    writeFileSync(onnx, bytes);
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await releaseSharedSessions();
  });

  const only = (ref: { variant: string; version: string }): RoutingState => ({
    champion: ref,
    challengers: [],
    shadows: [],
  });

  it('answers in the public shape, one prediction per description, from the champion', async () => {
    const { service: svc } = service(only(champion.ref));
    const response = await svc.predict({ descriptions: ['live ornamental fish', 'frozen fish fillets'] });
    expect(response.latencyMs).toBeGreaterThan(0);
    expect(response.predictions).toHaveLength(2);
    for (const prediction of response.predictions) {
      expect(Object.keys(prediction).sort()).toEqual(
        ['candidates', 'modelSha256', 'modelVersion', 'needsReview', 'predictionId', 'variant'].sort(),
      );
      expect(prediction.predictionId).toMatch(UUID);
      expect(prediction).toMatchObject({
        variant: 'textcnn',
        modelVersion: champion.ref.version,
        modelSha256: champion.manifest.onnx.sha256,
      });
      expect(prediction.candidates).toHaveLength(5);
      for (const candidate of prediction.candidates) {
        expect(Object.keys(candidate).sort()).toEqual(
          [
            'chapterDescription',
            'description',
            'headingDescription',
            'hs2',
            'hs4',
            'hs6',
            'probability',
          ].sort(),
        );
      }
      expect(prediction.needsReview).toBe((prediction.candidates[0]?.probability ?? 0) < 0.045);
    }
    expect(new Set(response.predictions.map((p) => p.predictionId)).size).toBe(2);
    const explained = await svc.predict({ descriptions: ['live fish'], topK: 2, explain: true });
    expect(explained.predictions[0]?.candidates).toHaveLength(2);
    expect(explained.predictions[0]?.explanation?.map((w) => w.word).sort()).toEqual(['fish', 'live']);
  });

  it.each([
    ['no descriptions', { descriptions: [] }, 'invalid_descriptions'],
    ['a string for descriptions', { descriptions: 'fish' }, 'invalid_descriptions'],
    [
      '257 descriptions',
      { descriptions: Array.from({ length: 257 }, () => 'fish') },
      'too_many_descriptions',
    ],
    ['a blank description', { descriptions: ['fish', '   '] }, 'invalid_description'],
    ['a number for a description', { descriptions: ['fish', 42] }, 'invalid_description'],
    ['1,001 characters', { descriptions: ['x'.repeat(1001)] }, 'description_too_long'],
    ['topK 0', { descriptions: ['fish'], topK: 0 }, 'invalid_top_k'],
    ['topK 21', { descriptions: ['fish'], topK: 21 }, 'invalid_top_k'],
    ['topK "5"', { descriptions: ['fish'], topK: '5' }, 'invalid_top_k'],
    ['explain "yes"', { descriptions: ['fish'], explain: 'yes' }, 'invalid_explain'],
    ['an empty key', { descriptions: ['fish'], key: '' }, 'invalid_key'],
  ])('rejects %s with %s', async (_label, request, code) => {
    const { service: svc } = service(only(champion.ref));
    const rejection = svc.predict(request as never);
    await expect(rejection).rejects.toThrow(RequestValidationError);
    await expect(rejection).rejects.toMatchObject({ code });
  });

  it('shares one model call between concurrent requests, each answered as alone, and drains it on close', async () => {
    const batches: CoalescedBatch[] = [];
    const { service: coalescing } = service(only(champion.ref), {
      coalescing: { maxWaitMs: 1000, observe: (batch) => batches.push(batch) },
    });
    const { service: separate } = service(only(champion.ref), { coalescing: false });
    const requests = [['frozen shrimp'], ['cotton t-shirt', 'live horses'], ['mobile phone']];
    const shared = await Promise.all(requests.map((descriptions) => coalescing.predict({ descriptions })));
    expect(batches).toEqual([{ requests: 3, descriptions: 4, waitedMs: expect.any(Number) }]);
    for (const [i, descriptions] of requests.entries()) {
      const alone = await separate.predict({ descriptions });
      expect(shared[i]?.predictions.map((p) => p.candidates)).toEqual(
        alone.predictions.map((p) => p.candidates),
      );
    }
    // Answers queued when shutdown begins are still given; later requests get a 503-class error.
    const queued = coalescing.predict({ descriptions: ['wooden chair'] });
    await coalescing.close();
    expect((await queued).predictions).toHaveLength(1);
    await expect(coalescing.predict({ descriptions: ['wooden chair'] })).rejects.toBeInstanceOf(
      ModelUnavailableError,
    );
    expect(() => service(only(champion.ref), { coalescing: { maxWaitMs: 5000 } })).toThrow(
      /coalescing wait must be 0 to 1000 ms, got 5000/,
    );
  });

  it('applies the configured limits', async () => {
    const { service: svc } = service(only(champion.ref), { limits: { maxItems: 2, maxChars: 10 } });
    await expect(svc.predict({ descriptions: ['a', 'b', 'c'] })).rejects.toThrow(/at most 2 descriptions/);
    await expect(svc.predict({ descriptions: ['eleven char'] })).rejects.toThrow(
      /11 characters, the limit is 10/,
    );
  });

  it('routes by the request key, or else by each prediction id, and never serves a shadow', async () => {
    const state: RoutingState = {
      champion: champion.ref,
      challengers: [{ ...challenger.ref, weight: 0.5 }],
      shadows: [shadow.ref],
    };
    const { service: svc } = service(state);
    const descriptions = Array.from({ length: 60 }, (_, i) => `fish number ${i}`);
    const keyed = await svc.predict({ descriptions, key: 'customer-42' });
    const expected = routeRequest(state, 'customer-42').serve.version;
    expect(new Set(keyed.predictions.map((p) => p.modelVersion))).toEqual(new Set([expected]));
    const again = await svc.predict({ descriptions: ['other text'], key: 'customer-42' });
    expect(again.predictions[0]?.modelVersion).toBe(expected);

    const unkeyed = await svc.predict({ descriptions });
    const versions = unkeyed.predictions.map((p) => p.modelVersion);
    expect(new Set(versions)).toEqual(new Set([champion.ref.version, challenger.ref.version]));
    for (const p of unkeyed.predictions)
      expect(p.modelVersion).toBe(routeRequest(state, p.predictionId).serve.version);
    expect(versions).not.toContain(shadow.ref.version);
  });

  it('audits every prediction, and scores shadows on the same ids without returning them', async () => {
    const audit = new LocalAuditSink(mkdtempSync(join(tmpdir(), 'hscode-service-audit-')));
    const { service: svc } = service(
      { champion: champion.ref, challengers: [], shadows: [shadow.ref] },
      { audit },
    );
    const descriptions = ['live ornamental fish', 'Frozen  fish fillets'];
    const response = await svc.predict({ descriptions, topK: 3 });
    await svc.drain();
    const records = auditRecordsIn(join(audit.folder, '..'));
    const served = records.filter((r) => !r.shadow);
    const shadows = records.filter((r) => r.shadow);
    expect(served).toHaveLength(2);
    expect(shadows).toHaveLength(2);
    response.predictions.forEach((prediction, i) => {
      const record = served.find((r) => r.predictionId === prediction.predictionId);
      expect(record).toMatchObject({
        variant: 'textcnn',
        version: champion.ref.version,
        modelSha256: champion.manifest.onnx.sha256,
        inputSha256: sha256(descriptions[i] as string),
        topK: prediction.candidates.map((c) => ({ hs6: c.hs6, probability: c.probability })),
        needsReview: prediction.needsReview,
        words: 3,
      });
      expect(record?.text).toBeUndefined();
      expect(record?.latencyMs).toBeGreaterThan(0);
      expect(shadows.find((r) => r.predictionId === prediction.predictionId)).toMatchObject({
        version: shadow.ref.version,
        shadow: true,
      });
    });
  });

  it('records description texts only when configured to', async () => {
    const audit = new LocalAuditSink(mkdtempSync(join(tmpdir(), 'hscode-service-audit-')));
    const { service: svc } = service(only(champion.ref), { audit, recordText: true });
    await svc.predict({ descriptions: ['live ornamental fish'] });
    await svc.drain();
    expect(auditRecordsIn(join(audit.folder, '..'))[0]?.text).toBe('live ornamental fish');
  });

  it('sends a challenger that cannot be loaded back to the champion, and says so once', async () => {
    const missing = { variant: 'dnn', version: 'dnn-000000000000' };
    const { service: svc, lines } = service({
      champion: champion.ref,
      challengers: [{ ...missing, weight: 1 }],
      shadows: [],
    });
    for (let i = 0; i < 5; i++) {
      const response = await svc.predict({ descriptions: ['live fish', 'fish fillets'] });
      for (const p of response.predictions) expect(p.modelVersion).toBe(champion.ref.version);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /model dnn\/dnn-000000000000 \(challenger\) was not loaded: .* its traffic goes to the champion/,
    );
  });

  it('keeps serving the last good champion when a new champion fails verification', async () => {
    let state = only(champion.ref);
    const { service: svc, lines } = service(() => state);
    await svc.predict({ descriptions: ['live fish'] });
    state = only(tampered.ref);
    for (let i = 0; i < 3; i++) {
      const response = await svc.predict({ descriptions: ['live fish'] });
      expect(response.predictions[0]?.modelVersion).toBe(champion.ref.version);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`model textcnn/${tampered.ref.version} (champion) was not loaded`);
    expect(lines[0]).toMatch(/refusing to load it; still serving the last good champion textcnn\/textcnn-/);
    expect(lines[0]).toContain(champion.ref.version);
  });

  it('fails with ModelUnavailableError when no champion has ever loaded', async () => {
    const { service: svc } = service(only(tampered.ref));
    await expect(svc.predict({ descriptions: ['live fish'] })).rejects.toThrow(ModelUnavailableError);
  });

  it('routes with the last good state when the registry cannot be read', async () => {
    let fail = false;
    const { service: svc, lines } = service(() => {
      if (fail) throw new Error('registry/state.json: connection reset');
      return only(champion.ref);
    });
    await svc.predict({ descriptions: ['live fish'] });
    fail = true;
    const response = await svc.predict({ descriptions: ['live fish'] });
    expect(response.predictions[0]?.modelVersion).toBe(champion.ref.version);
    expect(lines[0]).toMatch(/registry state unusable \(registry\/state\.json: connection reset\)/);
    const { service: cold } = service(() => {
      throw new Error('no registry');
    });
    await expect(cold.predict({ descriptions: ['live fish'] })).rejects.toThrow(ModelUnavailableError);
  });

  it('stores feedback with the model that made the prediction', async () => {
    const { service: svc } = service(only(champion.ref), { recordText: true });
    const response = await svc.predict({ descriptions: ['live ornamental fish'] });
    const predictionId = response.predictions[0]?.predictionId as string;
    const { key, record } = await svc.submitFeedback({ predictionId, hs6: '0301.11' });
    expect(key).toMatch(new RegExp(`^feedback/\\d{4}-\\d{2}-\\d{2}/${predictionId}\\.json$`));
    expect(record).toMatchObject({
      hs6: '030111',
      prediction: { variant: 'textcnn', version: champion.ref.version, text: 'live ornamental fish' },
    });
    expect(await store.get(key)).toBeDefined();
  });

  it('preloads every model of the state and lists the loaded ones', async () => {
    const { service: svc } = service({
      champion: champion.ref,
      challengers: [{ ...challenger.ref, weight: 0.1 }],
      shadows: [shadow.ref],
    });
    await svc.preload();
    const versions = (await svc.models()).map((m) => m.version).sort();
    expect(versions).toEqual([champion.ref.version, challenger.ref.version, shadow.ref.version].sort());
  });
});
