import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { planIsolated, stackConfig, workspace } from '../../infra/test-fixtures';
import { join } from 'node:path';
import { BUNDLE_ROLES, type BundleRole, OPTIONAL_FUNCTION_ENV } from '../../models/deployment';
import { LocalAuditSink } from '../../runtime/core/local-audit-sink';
import { PredictService, type PredictResponse } from '../../runtime/core/predict-service';
import { releaseSharedSessions } from '../../runtime/core/session-cache';
import { CALLER_HEADER } from '../../runtime/http/caller';
import { createHttpHandler } from '../../runtime/http/handler';
import { StoreAuditTrail } from '../../runtime/jobs/store-audit-trail';
import { readHistory } from '../../runtime/registry/history';
import { Registry } from '../../runtime/registry/registry';
import { verifyRegistry } from '../../runtime/registry/verify';
import type { ObjectStore } from '../../runtime/store/object-store';
import type { Cloud } from '../../scripts/bundle/targets';
import { fixtureModelSet } from '../helpers/model-fixture';
import { tinyDataset } from '../helpers/tiny-dataset';
import { buildAndUnpack, type UnpackedBundle } from './unpacked-bundle';
import { getVariant } from '../../models/variants';

export interface HttpExchange {
  method: string;
  path: string;
  body?: string;
  /** Headers the client sends besides its content type. */
  headers?: Record<string, string>;
  /** Sent as this identity, the way the cloud's platform hands on a caller it verified. */
  caller?: string;
}

/** What a test needs from one cloud's bundle: its events in, the function's answers out. */
export interface BundleDriver {
  /** One HTTP exchange through the api function. */
  http(request: HttpExchange): Promise<{ status: number; body: string }>;
  /** The batch function's object-created event for a key. */
  batch(key: string): Promise<void>;
  /** The retrain function's object-created event for a key. */
  retrain(key: string): Promise<void>;
  close?(): Promise<void>;
}

export interface BundleContext {
  bundles: Record<BundleRole, UnpackedBundle>;
  /** The function's environment: the store and small-retrain settings. */
  env: Record<string, string>;
  /** The cloud's store, on its loopback stand-in, as the test process sees it. */
  store: ObjectStore;
}

/** The cloud's storage stand-in, the adapter on it, and the environment that points a function at it. */
export interface StandinStore {
  store: ObjectStore;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Runs `open` with some environment variables set, as a function's process would have them. */
export function withEnv<T>(env: Record<string, string>, open: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return open();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Copies every object of one store into another (the fixture model and registry into a stand-in). */
async function copyStore(from: ObjectStore, to: ObjectStore): Promise<void> {
  for (const key of await from.list('')) {
    const object = await from.get(key);
    if (object) await to.put(key, object.body);
  }
}

const json = (body: unknown) => JSON.stringify(body);
/** The identity the cloud's platform verified for the analyst who corrects a prediction. */
const ANALYST = 'ana@example.com';
const PREDICT = { descriptions: ['frozen shrimp 500g bag', "men's cotton knitted t-shirt"], topK: 5 };

/**
 * The same checks for every cloud: each bundle is built by the real bundler, unzipped into an
 * empty folder and run in a fresh Node process that cannot see the repository's node_modules.
 */
export function describeBundleSmoke(
  cloud: Cloud,
  startStandin: () => Promise<StandinStore>,
  makeDriver: (context: BundleContext) => Promise<BundleDriver>,
): void {
  describe(`the ${cloud} bundles, unzipped and run outside the repository`, () => {
    let context: BundleContext;
    let driver: BundleDriver;
    let local: PredictService;
    let standin: StandinStore;
    const bundleDir = mkdtempSync(join(tmpdir(), `hscode-bundles-${cloud}-`));

    beforeAll(async () => {
      standin = await startStandin();
      const { store } = standin;
      await copyStore(await (await fixtureModelSet(1)).storeWithChampion(), store);
      const [predict, retrain] = await Promise.all([
        buildAndUnpack(cloud, 'predict', bundleDir),
        buildAndUnpack(cloud, 'retrain', bundleDir),
      ]);
      context = {
        bundles: { predict, retrain },
        store,
        env: {
          ...standin.env,
          [OPTIONAL_FUNCTION_ENV.retrainWithDefaultCorpus]: '0',
          [OPTIONAL_FUNCTION_ENV.retrainEpochs]: '3',
        },
      };
      driver = await makeDriver(context);
      local = new PredictService({
        store,
        audit: new LocalAuditSink(mkdtempSync(join(tmpdir(), 'hscode-local-audit-')), {
          log: () => undefined,
        }),
        registry: () => new Registry(store).read(),
      });
    }, 300_000);

    afterAll(async () => {
      await driver?.close?.();
      await local?.close();
      await standin?.close();
      await releaseSharedSessions();
      rmSync(bundleDir, { recursive: true, force: true });
    });

    it('keeps TensorFlow.js and the training code out of the predict bundle', () => {
      const { index } = context.bundles.predict;
      const bundled = (role: BundleRole) => readFileSync(join(context.bundles[role].dir, 'index.js'), 'utf8');
      // esbuild marks each module it includes with a comment naming its path.
      const training = /^\/\/ (node_modules\/@tensorflow\/|training\/)/m;
      expect(bundled('predict')).not.toMatch(training);
      expect(bundled('retrain')).toMatch(training);
      expect(index.unzippedBytes).toBeLessThan(context.bundles.retrain.index.unzippedBytes);
      if (cloud === 'aws') {
        // Lambda's limits for a zip deployment.
        expect(index.zippedBytes).toBeLessThan(50 * 1024 * 1024);
        expect(context.bundles.retrain.index.unzippedBytes).toBeLessThan(250 * 1024 * 1024);
      }
    });

    it('is exactly what the Pulumi program deploys: each function’s code is named by its bundle’s sha256', async () => {
      const ws = workspace(cloud);
      const plan = await planIsolated(stackConfig(cloud, { ...ws, bundleDir }), { stack: 'smoke' });
      const deployed = new Set(JSON.stringify(plan.resources).match(/functions\/[0-9a-f]{64}\.zip/g));
      expect(deployed).toEqual(
        new Set(BUNDLE_ROLES.map((role) => `functions/${context.bundles[role].index.sha256}.zip`)),
      );
    }, 120_000);

    it('answers a prediction with exactly the candidates and probabilities of the local service', async () => {
      const answer = await driver.http({ method: 'POST', path: '/v1/predict', body: json(PREDICT) });
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.body) as PredictResponse;
      const expected = await local.predict(PREDICT);
      expect(body.predictions.map((p) => p.candidates)).toEqual(
        expected.predictions.map((p) => p.candidates),
      );
      expect(body.predictions.map((p) => p.needsReview)).toEqual(
        expected.predictions.map((p) => p.needsReview),
      );

      const correction = json({ predictionId: body.predictions[0]?.predictionId, hs6: '0306.17' });
      const feedback = await driver.http({
        method: 'POST',
        path: '/v1/feedback',
        body: correction,
        caller: ANALYST,
      });
      expect(feedback.status).toBe(201);
      expect(JSON.parse(feedback.body)).toMatchObject({ hs6: '030617', givenBy: ANALYST });
      const stored = await context.store.get(JSON.parse(feedback.body).key);
      expect(JSON.parse(Buffer.from(stored!.body).toString('utf8'))).toMatchObject({
        givenBy: { id: ANALYST, via: 'cloud-identity' },
      });
      // The audit record of each prediction was stored before the function returned.
      expect((await context.store.list('audit/')).length).toBeGreaterThan(0);
    });

    it('refuses feedback the platform verified no caller for, whatever caller header the client sends', async () => {
      const before = (await context.store.list('feedback/')).length;
      const correction = json({ predictionId: '3f2b8c1e-0d4a-4b5e-9c7d-1a2b3c4d5e6f', hs6: '0306.17' });
      for (const headers of [{}, { [CALLER_HEADER]: ANALYST }] as Array<Record<string, string>>) {
        const answer = await driver.http({ method: 'POST', path: '/v1/feedback', body: correction, headers });
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'unauthenticated' } });
      }
      expect(await context.store.list('feedback/')).toHaveLength(before);
    });

    it('refuses a bad request with the same status and error body as the local handler', async () => {
      const request = { method: 'POST', path: '/v1/predict', body: json({ descriptions: [], topK: 3 }) };
      const answer = await driver.http(request);
      const expected = await createHttpHandler({ service: local, log: () => undefined })({
        method: 'POST',
        path: '/v1/predict',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(request.body),
      });
      expect(answer.status).toBe(expected.status);
      expect(answer.body).toBe(expected.body);
    });

    it('predicts a file dropped under batch/in/ into batch/out/, auditing every row', async () => {
      // The last is over the service's 1,000-character limit: listed as rejected, never dropped.
      const rows = ['frozen shrimp 500g bag', 'cotton t-shirt', 'steel bolts m8', 'x'.repeat(1001)];
      await context.store.put('batch/in/orders.csv', `description\n${rows.join('\n')}\n`);
      const audited = async () => (await new StoreAuditTrail(context.store).window()).records;
      const before = await audited();
      await driver.batch('batch/in/orders.csv');
      const out = Buffer.from((await context.store.get('batch/out/orders.csv'))!.body).toString('utf8');
      const lines = out.trim().split('\n');
      expect(lines[0]).toMatch(/^line,description,hs6_1,probability_1/);
      expect(lines).toHaveLength(1 + 3);
      const summary = JSON.parse(
        Buffer.from((await context.store.get('batch/out/orders.summary.json'))!.body).toString('utf8'),
      );
      expect(summary.rows).toMatchObject({ read: 4, predicted: 3, rejected: 1 });
      expect(await context.store.get('batch/out/orders.rejects.csv')).toBeDefined();
      expect((await audited()) - before).toBe(3);
    });

    it('retrains on a file under data/incoming/ and leaves a registry that verifies', async () => {
      const rows = tinyDataset(24, 10, 7);
      await context.store.put(
        'data/incoming/declarations.csv',
        `description,hs_code\n${rows.map((r) => `"${r.text}",${r.hs6}`).join('\n')}\n`,
      );
      await driver.retrain('data/incoming/declarations.csv');
      const [claimKey, ...more] = await context.store.list('jobs/retrain/');
      expect(more).toEqual([]);
      const claim = JSON.parse(
        Buffer.from((await context.store.get(claimKey as string))!.body).toString('utf8'),
      );
      expect(claim).toMatchObject({
        status: 'done',
        outcome: { status: expect.stringMatching(/^(registered|rejected)$/) },
      });
      // The decision is in the history, about the model the function trained and published.
      const last = (await readHistory(context.store)).at(-1);
      expect(last?.subject).toEqual(claim.outcome.ref);
      const manifest = await context.store.get(
        `models/${claim.outcome.ref.variant}/${claim.outcome.ref.version}/manifest.json`,
      );
      // The bundle ships the training threads' script, so the function trains on every core.
      expect(JSON.parse(Buffer.from(manifest!.body).toString('utf8')).training.threads).toBe(
        Math.min(availableParallelism(), getVariant(claim.outcome.ref.variant).training.gradientShards),
      );
      expect(await verifyRegistry(context.store)).toMatchObject({ ok: true });
    }, 120_000);
  });
}
