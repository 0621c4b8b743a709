import Ajv2020 from 'ajv/dist/2020';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACT_FILES } from '../../models/artifact';
import { assertValidManifest, type ModelManifest } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { writeFixtureModel } from '../../tests/helpers/model-fixture';
import type { AuditRecord } from '../core/audit';
import { FeedbackService } from '../core/feedback';
import { LocalAuditSink } from '../core/local-audit-sink';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import { LocalAuditTrail } from '../jobs/local-audit-trail';
import { Registry } from '../registry/registry';
import { ensureChampion } from '../registry/ensure-champion';
import type { DriftBaseline } from '../stats/drift';
import { LocalObjectStore } from '../store/local-store';
import { dashboardResponseSchema } from '../http/schemas';
import { buildDashboard, type DashboardDocument, type ModelPanel } from './dashboard-data';
import { wilsonInterval } from './wilson';

/**
 * The dashboard document from a real local store: models written as artifacts, decisions made
 * through the Registry, predictions through the local audit sink and feedback through the
 * feedback service, read back by the same readers `hscode serve` uses.
 */

jest.setTimeout(60_000);

const BINS = 15;
/** What the champion's held-out rows looked like: t-shirts and shrimp, mostly confident. */
const BASELINE: DriftBaseline = {
  n: 5000,
  chapterDistribution: { '03': 0.4, '61': 0.6 },
  confidenceHistogram: Array.from({ length: BINS }, (_, b) =>
    b >= 10 ? [0.1, 0.15, 0.2, 0.25, 0.3][b - 10]! : 0,
  ),
  unknownWordRate: 0.02,
};
const TSHIRT = '610910';
const SHRIMP = '030617';
const PUMP = '841370';

let home: string;
let store: LocalObjectStore;
let champion: ModelRef;
let challenger: ModelRef;
let rejected: ModelRef;
let sink: LocalAuditSink;
const predictionIds = new Map<string, string[]>();

/** Replaces the drift baseline in a model's stored manifest, as training would have written it. */
function setBaseline(ref: ModelRef, baseline: DriftBaseline) {
  const path = join(home, storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.manifest));
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as ModelManifest;
  manifest.driftBaseline = baseline;
  assertValidManifest(manifest);
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `count` predictions by `ref`, each produced by `shape(i)`. */
function predict(
  ref: ModelRef,
  count: number,
  shape: (i: number) => { hs6: string; probability: number; words: number; unknownWords: number },
) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { hs6, probability, words, unknownWords } = shape(i);
    const record: AuditRecord = {
      predictionId: randomUUID(),
      time: new Date(Date.UTC(2024, 5, 1, 9, 0, i)).toISOString(),
      variant: ref.variant,
      version: ref.version,
      modelSha256: 'f'.repeat(64),
      inputSha256: '0'.repeat(64),
      topK: [
        { hs6, probability },
        { hs6: hs6 === TSHIRT ? SHRIMP : TSHIRT, probability: (1 - probability) / 2 },
      ],
      latencyMs: 2 + (i % 10),
      words,
      unknownWords,
    };
    sink.write(record);
    ids.push(record.predictionId);
  }
  predictionIds.set(modelRefKey(ref), ids);
}

/** Feedback on `ids`, received on `day`: the first `correct` confirm the top code, the rest correct it. */
async function feedback(ids: string[], day: string, correct: number, topCode: (id: string) => string) {
  const service = new FeedbackService({ store, lookup: sink, now: () => new Date(`${day}T15:00:00Z`) });
  for (const [i, id] of ids.entries()) {
    const top = topCode(id);
    await service.submit({ predictionId: id, hs6: i < correct ? top : top === PUMP ? TSHIRT : PUMP });
  }
}

const build = () =>
  buildDashboard({
    store,
    registry: new Registry(store),
    audit: new LocalAuditTrail(home, 30),
    now: () => new Date('2024-06-04T12:00:00Z'),
  });
const panelOf = (doc: DashboardDocument, ref: ModelRef) =>
  doc.models.find((m) => m.variant === ref.variant && m.version === ref.version) as ModelPanel;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'hscode-dashboard-'));
  store = new LocalObjectStore(home);
  [champion, challenger, rejected] = (
    await Promise.all([1, 2, 3].map((seed) => writeFixtureModel(home, { seed })))
  ).map((m) => m.ref) as [ModelRef, ModelRef, ModelRef];
  setBaseline(champion, BASELINE);
  setBaseline(challenger, BASELINE);
  sink = new LocalAuditSink(home, { log: () => undefined });
});

afterAll(async () => {
  await sink.close();
});

describe('buildDashboard', () => {
  it('describes an empty store without failing: no registry, no decisions, no models', async () => {
    const doc = await build();
    expect(doc.registry).toBeNull();
    expect(doc.traffic).toEqual([]);
    expect(doc.decisions).toEqual([]);
    expect(doc.models).toEqual([]);
    expect(doc.window).toMatchObject({ auditRecords: 0, feedbackRecords: 0, firstPrediction: null });
  });

  it('shows the routing, the traffic split and the decisions, newest first, with their reasons and numbers', async () => {
    await ensureChampion(store, champion);
    let t = Date.UTC(2024, 5, 1);
    const registry = new Registry(store, { actor: 'retrain-job', now: () => new Date((t += 60_000)) });
    await registry.register(challenger, 'challenger', 0.2, { heldOutRows: 120 });
    await registry.reject(rejected, ['subheading top-1 21.0% is below the floor of 30.0%'], {
      gate: { passed: false, candidate: 0.21, champion: 0.6 },
    });
    await registry.ramp(challenger, 0.25, {
      reason: 'continue: not enough evidence either way yet',
      stats: { accChampion: 0.71, accChallenger: 0.74, diff: 0.03, ci95: [-0.05, 0.11], nChampion: 300 },
    });
    await registry.ramp(challenger, 0.2, {});

    const doc = await build();
    expect(doc.registry).toMatchObject({
      champion,
      challengers: [{ ...challenger, weight: 0.2 }],
      shadows: [],
    });
    expect(doc.traffic).toEqual([
      { ...champion, role: 'champion', share: 0.8 },
      { ...challenger, role: 'challenger', share: 0.2 },
    ]);
    expect(doc.decisions.map((d) => d.type)).toEqual([
      'ramped',
      'ramped',
      'rejected',
      'challenger-added',
      'registered',
      'registered',
    ]);
    // The last is the first champion's own entry.
    expect(doc.decisions.map((d) => d.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    const [rampedBack, ramped, rejection, added, registered] = doc.decisions;
    expect(rampedBack?.reason).toBe(`${modelRefKey(challenger)} traffic share 25.0% → 20.0%`);
    expect(rampedBack?.stats).toEqual({ from: 0.25, to: 0.2 });
    expect(ramped?.reason).toBe('continue: not enough evidence either way yet');
    expect(ramped?.stats).toMatchObject({
      accChallenger: 0.74,
      ci95: [-0.05, 0.11],
      nChampion: 300,
      to: 0.25,
    });
    expect(rejection?.reason).toMatch(/rejected: subheading top-1 21\.0% is below the floor of 30\.0%$/);
    expect(rejection?.stats).toMatchObject({ 'gate.candidate': 0.21, 'gate.champion': 0.6 });
    expect(added?.reason).toMatch(/takes 20\.0% of traffic as a challenger$/);
    expect(registered).toMatchObject({ actor: 'retrain-job', subject: challenger });
    expect(registered?.reason).toMatch(
      /registered as challenger at weight 0\.2; held-out subheading top-1 0\.0%$/,
    );
    expect(registered?.stats).toMatchObject({ weight: 0.2, heldOutRows: 120 });
    // Routed models are listed even before any traffic, with nothing to show yet.
    expect(panelOf(doc, challenger)).toMatchObject({ role: 'challenger', served: 0, accuracyByDay: [] });
    expect(panelOf(doc, challenger).accuracy.rate).toBeNull();
  });

  it('scores each model on feedback about its own answers, per day and overall, with Wilson bounds', async () => {
    // The champion answers like its held-out rows did; the challenger sees only pumps, unsure, full of unknown words.
    const confidenceBins = BASELINE.confidenceHistogram.flatMap((share, b) =>
      Array.from({ length: Math.round(share * 20) }, () => (b + 0.5) / BINS),
    );
    predict(champion, 400, (i) => ({
      hs6: i % 5 < 3 ? TSHIRT : SHRIMP,
      probability: confidenceBins[i % confidenceBins.length]!,
      words: 50,
      unknownWords: 1,
    }));
    predict(challenger, 400, () => ({ hs6: PUMP, probability: 0.2, words: 5, unknownWords: 1 }));
    await sink.flush();
    const ids = (ref: ModelRef) => predictionIds.get(modelRefKey(ref))!;
    const top = new Map<string, string>();
    for (const [i, id] of ids(champion).entries()) top.set(id, i % 5 < 3 ? TSHIRT : SHRIMP);
    for (const id of ids(challenger)) top.set(id, PUMP);
    const topOf = (id: string) => top.get(id)!;
    await feedback(ids(champion).slice(0, 10), '2024-06-01', 7, topOf);
    await feedback(ids(champion).slice(10, 30), '2024-06-02', 15, topOf);
    await feedback(ids(challenger).slice(0, 5), '2024-06-02', 2, topOf);

    const doc = await build();
    const first = panelOf(doc, champion);
    expect(first.accuracyByDay).toEqual([
      { day: '2024-06-01', ...wilsonInterval(7, 10) },
      { day: '2024-06-02', ...wilsonInterval(15, 20) },
    ]);
    expect(first.accuracy).toEqual(wilsonInterval(22, 30));
    expect(first.accuracy.low!).toBeLessThan(22 / 30);
    expect(first.accuracy.high!).toBeGreaterThan(22 / 30);
    expect(first).toMatchObject({ role: 'champion', served: 400, latencyP99Ms: 11 });
    expect(panelOf(doc, challenger)).toMatchObject({ served: 400, accuracy: wilsonInterval(2, 5) });
    expect(doc.window).toMatchObject({
      auditRecords: 800,
      feedbackRecords: 35,
      firstPrediction: '2024-06-01T09:00:00.000Z',
    });
  });

  it('lists feedback per giver, and flags the one whose corrections move answers to another chapter when nobody else’s do', async () => {
    const ids = predictionIds.get(modelRefKey(champion))!;
    const giving = (id: string) => ({ id, via: 'api-key' as const });
    const service = new FeedbackService({ store, lookup: sink, now: () => new Date('2024-06-03T15:00:00Z') });
    const honest = giving('key:0a0a0a0a');
    const poisoner = giving('key:0b0b0b0b');
    // The honest analyst confirms 40 answers; the other sends 25 of the champion's answers to firearms.
    for (const [i, id] of ids.slice(100, 140).entries()) {
      await service.submit({ predictionId: id, hs6: i % 5 < 3 ? TSHIRT : SHRIMP }, honest);
    }
    for (const id of ids.slice(200, 225)) await service.submit({ predictionId: id, hs6: '930320' }, poisoner);

    const doc = await build();
    expect(doc.givers.map((g) => [g.givenBy, g.records, g.confirmed, g.chapterChanges.successes])).toEqual([
      ['key:0b0b0b0b', 25, 0, 25],
      ['key:0a0a0a0a', 40, 40, 0],
      // The 35 records of the test before were given before feedback named anyone.
      ['unattributed', 35, 24, 11],
    ]);
    expect(doc.givers[0]?.disagrees).toMatch(
      /^moves 100% of the answers it judged to another chapter \(25 of 25\), against 15% for everyone else \(11 of 75\)$/,
    );
    expect(doc.givers.filter((g) => g.disagrees)).toHaveLength(1);
    const validate = new Ajv2020({ strict: true, strictRequired: false }).compile(dashboardResponseSchema);
    expect({ valid: validate(doc), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  it("compares each routed model's live inputs with its own baseline: the familiar mix is ok, the shifted one alarms", async () => {
    const doc = await build();
    const stable = panelOf(doc, champion).drift!;
    const shifted = panelOf(doc, challenger).drift!;
    expect(stable.n).toBe(400);
    expect(stable.baselineN).toBe(5000);
    expect(stable.indicators.map((i) => i.name)).toEqual([
      'predicted-chapter',
      'top1-confidence',
      'unknown-word-rate',
    ]);
    expect(stable.indicators.map((i) => i.status)).toEqual(['ok', 'ok', 'ok']);
    expect(stable.status).toBe('ok');
    expect(stable.indicators[0]!.psi!).toBeLessThan(0.01);
    expect(shifted.indicators.map((i) => i.status)).toEqual(['alarm', 'alarm', 'alarm']);
    expect(shifted.status).toBe('alarm');
    const words = shifted.indicators[2]!;
    expect(words).toMatchObject({ live: 0.2, baseline: 0.02, n: 2000 });
    expect(words.psi!).toBeGreaterThan(words.threshold.alarm);
    // The rejected model serves nothing: no drift panel, and no panel at all without feedback.
    expect(doc.models.some((m) => m.version === rejected.version)).toBe(false);
  });

  it('does not judge drift on a window too small to tell it from chance', async () => {
    const quiet = mkdtempSync(join(tmpdir(), 'hscode-dashboard-quiet-'));
    const few = new LocalAuditSink(quiet, { log: () => undefined });
    for (let i = 0; i < 12; i++) {
      few.write({
        predictionId: randomUUID(),
        time: '2024-06-03T10:00:00.000Z',
        variant: champion.variant,
        version: champion.version,
        modelSha256: 'f'.repeat(64),
        inputSha256: '0'.repeat(64),
        topK: [{ hs6: PUMP, probability: 0.3 }],
        latencyMs: 3,
        words: 4,
        unknownWords: 0,
      });
    }
    await few.close();
    const doc = await buildDashboard({
      store,
      registry: new Registry(store),
      audit: new LocalAuditTrail(quiet),
      now: () => new Date('2024-06-04T12:00:00Z'),
    });
    const drift = panelOf(doc, champion).drift!;
    expect(drift.n).toBe(12);
    // All twelve in a chapter the baseline never saw, yet twelve predictions over 15 bins are noise.
    expect(drift.indicators.map((i) => i.status)).toEqual([
      'too-little-data',
      'too-little-data',
      'too-little-data',
    ]);
    expect(drift.status).toBe('too-little-data');
    expect(drift.indicators.every((i) => i.psi !== null && i.expectedNoise !== null)).toBe(true);
  });
});
