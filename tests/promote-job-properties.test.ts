import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRef } from '../models/model-ref';
import { PROMOTE_STATUS_KEY, runPromoteJob, type PromoteConfig } from '../runtime/jobs/promote';
import { canonicalJson } from '../runtime/registry/canonical-json';
import { readHistory } from '../runtime/registry/history';
import { Registry } from '../runtime/registry/registry';
import { verifyRegistry } from '../runtime/registry/verify';
import { mulberry32 } from '../runtime/stats/seeded-random';
import { LocalObjectStore } from '../runtime/store/local-store';
import { CrashingStore } from './helpers/crashing-store';
import { auditTrailOf } from './helpers/audit-window-of';
import { fixtureModelSet, type FixtureModelSet } from './helpers/model-fixture';
import { writeTraffic, type ArmTraffic } from './helpers/promote-scenario';

let fixtures: FixtureModelSet;
let champion: ModelRef;
let challenger: ModelRef;

beforeAll(async () => {
  fixtures = await fixtureModelSet(2);
  [champion, challenger] = fixtures.models.map((m) => m.ref) as [ModelRef, ModelRef];
});

// Hundreds of small stores: on a RAM-backed folder where there is one, so the test measures the
// job's decisions rather than the disk's fsync.
const STORES = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** Registered once per weight, then copied: registration is not what is under test here. */
const registered = new Map<number, string>();

/** A store with the champion and the challenger at `weight`, and the given traffic on both. */
async function experiment(weight: number, arms: { champion: ArmTraffic; challenger: ArmTraffic }) {
  let template = registered.get(weight);
  if (!template) {
    const store = await fixtures.storeWithChampion(STORES);
    await new Registry(store, { actor: 'retrain-job' }).register(challenger, 'challenger', weight);
    registered.set(weight, (template = store.root));
  }
  const store = new LocalObjectStore(mkdtempSync(join(STORES, 'hscode-promote-case-')));
  cpSync(template, store.root, { recursive: true });
  const audit = await writeTraffic(store, {
    champion: { ...champion, traffic: arms.champion },
    challenger: { ...challenger, traffic: arms.challenger },
  });
  return { store, audit };
}

afterAll(() => {
  for (const root of registered.values()) rmSync(root, { recursive: true, force: true });
});

/** Empty, tiny, moderate or lopsided: the sizes where statistics are undefined or fragile. */
function randomArm(random: () => number): ArmTraffic {
  const pick = <T>(options: readonly T[]) => options[Math.floor(random() * options.length)] as T;
  const requests = pick([0, 0, 1, 2, 5, 30, 120, 600]);
  const feedback = Math.min(requests, pick([0, 0, 1, 3, 20, 60]));
  return {
    requests,
    failures: pick([0, 0, 0, 1, 40, 600]),
    latencyMs: pick([0, 0.01, 2, 250, 1e6]),
    feedback,
    correct: Math.floor(random() * (feedback + 1)),
  };
}

function randomConfig(random: () => number): PromoteConfig {
  const pick = <T>(options: readonly T[]) => options[Math.floor(random() * options.length)] as T;
  return {
    test: {
      minSamplesPerArm: pick([1, 5, 20, 200]),
      alpha: pick([0.05, 0.5]),
      margin: pick([0, 0.02]),
      tau: pick([0.03, 0.3]),
    },
    guardrails: { minRequests: pick([1, 30, 500]) },
    ramp: {
      steps: pick([[0.1, 0.25, 0.5], [0.5]]),
      minSamplesPerStep: pick([0, 10, 200]),
      cleanSamplesPerStep: 1000,
      horizonPerArm: pick([Infinity, 20]),
    },
  };
}

describe('the promote job on random experiments', () => {
  it('always returns, records only JSON and leaves a history that verifies', async () => {
    const random = mulberry32(20240601);
    const actions = new Map<string, number>();
    for (let run = 0; run < 200; run++) {
      const weight = [0, 0.05, 0.1, 0.5, 1][Math.floor(random() * 5)] as number;
      const arms = { champion: randomArm(random), challenger: randomArm(random) };
      if (random() < 0.4) {
        // Healthy traffic with a clear or a slight winner, so promotions and ramps are among the cases.
        const share = random() < 0.5 ? 1 : 0.6;
        arms.challenger = { ...arms.challenger, failures: 0, latencyMs: 2 };
        arms.challenger.correct = Math.round(share * arms.challenger.feedback);
        arms.champion = {
          ...arms.champion,
          failures: 0,
          latencyMs: 2,
          correct: Math.floor(arms.champion.feedback / 2),
        };
      }
      const config = randomConfig(random);
      const { store, audit } = await experiment(weight, arms);
      const registry = new Registry(store, { actor: 'promote-job' });
      const context = `run ${run}: ${JSON.stringify({ weight, arms, config })}`;
      const evaluations = await runPromoteJob({ store, registry, audit: auditTrailOf(audit), config }).catch(
        (err: unknown) => {
          throw new Error(`${context}: ${String(err)}`);
        },
      );
      for (const e of evaluations) {
        actions.set(e.action, (actions.get(e.action) ?? 0) + 1);
        expect(() => canonicalJson(e.stats)).not.toThrow();
        expect(e.reason).not.toMatch(/NaN|Infinity/);
      }
      const status = await store.get(PROMOTE_STATUS_KEY);
      expect(() => canonicalJson(JSON.parse(Buffer.from(status!.body).toString('utf8')))).not.toThrow();
      const verified = await verifyRegistry(store);
      if (!verified.ok) throw new Error(`${context}: ${JSON.stringify(verified)}`);
      rmSync(store.root, { recursive: true, force: true });
    }
    // The cases reach every decision, not only the quiet ones.
    expect([...actions.keys()].sort()).toEqual(['hold', 'promote', 'ramp', 'rollback']);
  }, 120_000);

  it('rolls back a slow challenger before any feedback exists, and one that cannot answer', async () => {
    const slow = await experiment(0.1, {
      champion: { requests: 600, latencyMs: 2, feedback: 0, correct: 0 },
      challenger: { requests: 600, latencyMs: 250, feedback: 0, correct: 0 },
    });
    const [evaluation] = await runPromoteJob({
      store: slow.store,
      registry: new Registry(slow.store, { actor: 'promote-job' }),
      audit: auditTrailOf(slow.audit),
    });
    expect(evaluation).toMatchObject({ action: 'rollback', applied: true });
    expect(evaluation?.reason).toMatch(/p99 latency is 125\.00× the champion's/);
    const rolledBack = (await readHistory(slow.store)).at(-1);
    expect(rolledBack?.details).toMatchObject({
      test: { accChampion: null, accChallenger: null, diff: null },
    });

    const failing = await experiment(0.1, {
      champion: { requests: 600, latencyMs: 2, feedback: 0, correct: 0 },
      challenger: { requests: 0, failures: 600, latencyMs: 2, feedback: 0, correct: 0 },
    });
    const [refused] = await runPromoteJob({
      store: failing.store,
      registry: new Registry(failing.store, { actor: 'promote-job' }),
      audit: auditTrailOf(failing.audit),
    });
    expect(refused).toMatchObject({ action: 'rollback', applied: true });
    expect(refused?.reason).toMatch(/error rate is 100\.00% against the champion's 0\.00%/);
  });
});

describe('the promote job killed at every step', () => {
  const decisions: Array<[string, { champion: ArmTraffic; challenger: ArmTraffic }]> = [
    [
      'a promotion',
      {
        champion: { requests: 60, latencyMs: 2, feedback: 60, correct: 30 },
        challenger: { requests: 60, latencyMs: 2, feedback: 60, correct: 58 },
      },
    ],
    [
      'a rollback',
      {
        champion: { requests: 600, latencyMs: 2, feedback: 0, correct: 0 },
        challenger: { requests: 600, latencyMs: 250, feedback: 0, correct: 0 },
      },
    ],
    [
      'a ramp',
      {
        champion: { requests: 60, latencyMs: 2, feedback: 20, correct: 10 },
        challenger: { requests: 600, latencyMs: 2, feedback: 20, correct: 12 },
      },
    ],
  ];
  const config: PromoteConfig = {
    test: { minSamplesPerArm: 50 },
    guardrails: { minRequests: 50 },
    ramp: { minSamplesPerStep: 10 },
  };

  it.each(decisions)(
    'completes %s on the next run, wherever the first one died',
    async (_, arms) => {
      const run = (
        store: LocalObjectStore | CrashingStore,
        audit: Awaited<ReturnType<typeof experiment>>['audit'],
      ) =>
        runPromoteJob({
          store,
          registry: new Registry(store, { actor: 'promote-job' }),
          audit: auditTrailOf(audit),
          config,
        });

      const clean = await experiment(0.1, arms);
      const counting = new CrashingStore(clean.store);
      const [expected] = await run(counting, clean.audit);
      expect(expected?.applied).toBe(true);
      const expectedState = await new Registry(clean.store).read();
      const expectedEntry = (await readHistory(clean.store)).at(-1);
      expect(counting.writes).toBeGreaterThanOrEqual(3);

      for (let step = 1; step <= counting.writes; step++) {
        const { store, audit } = await experiment(0.1, arms);
        await expect(run(new CrashingStore(store, step), audit)).rejects.toThrow(
          `injected crash before write ${step}`,
        );
        expect(await verifyRegistry(store)).toMatchObject({ ok: true });
        await run(store, audit);
        expect(await verifyRegistry(store)).toMatchObject({ ok: true });
        // The decision is in the history once and produced the clean run's state, whether the
        // crashed run had recorded it (the re-run completes it) or not (the re-run makes it).
        const decided = (await readHistory(store)).filter(
          (e) => e.type !== 'registered' && e.type !== 'challenger-added',
        );
        expect(decided[0]?.type).toBe(expectedEntry?.type);
        expect({ ...decided[0]?.state, revision: 0 }).toEqual({ ...expectedState, revision: 0 });
        expect(
          decided.filter(
            (e) => canonicalJson(e.state.challengers) === canonicalJson(expectedState.challengers),
          ),
        ).toHaveLength(1);
        rmSync(store.root, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
