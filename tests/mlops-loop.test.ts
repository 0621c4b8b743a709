import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storeKeys } from '../models/store-layout';
import { addApiKey } from '../runtime/core/api-keys';
import { parseRegistryState, type RegistryState } from '../runtime/registry/registry-state';
import { runCli } from './helpers/run-cli';
import { startServeProcess, type ServeProcess } from './helpers/serve-process';
import { tinyDataset } from './helpers/tiny-dataset';
import { trainTinyModel, type TrainedModel } from './helpers/trained-model';

/** The jobs on a short clock, and a retrain small enough for a test. */
const JOB_OPTIONS = [
  '--promote-every',
  '1',
  '--retrain-options',
  '--without-default-corpus --epochs 3 --floor 0 --max-drop 1 --weight 0.5',
];

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const post = (url: string, body: unknown, key?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });

/**
 * Feedback as a well-behaved client sends it: above the server's per-client rate it waits the
 * Retry-After the 429 names and sends again. Returns the final status.
 */
async function sendFeedback(url: string, body: unknown, key: string): Promise<number> {
  for (;;) {
    const response = await post(`${url}/v1/feedback`, body, key);
    if (response.status !== 429) return response.status;
    const wait = Number(response.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

describe('the MLOps loop on the embedded default', () => {
  let champion: TrainedModel;
  let served: ServeProcess;
  let analystKey: string;
  const state = (): RegistryState =>
    parseRegistryState(readFileSync(join(champion.home, storeKeys.registryState)));

  beforeAll(async () => {
    champion = await trainTinyModel({ seed: 31 });
    analystKey = (await addApiKey(champion.home, 'loop analyst')).key;
    // One client sends 700 corrections in a moment: the per-client feedback rate is not under test.
    served = await startServeProcess(champion.home, [...JOB_OPTIONS, '--feedback-rate', '100000']);
  }, 120_000);

  afterAll(() => served?.child.kill('SIGTERM'));

  it('turns a dropped CSV into a challenger, promotes it on feedback and keeps a verifiable chain', async () => {
    const incoming = join(champion.home, storeKeys.incomingData);
    mkdirSync(incoming, { recursive: true });
    const rows = tinyDataset(24, 10, 5).map((r) => `"${r.text.replace(/"/g, '""')}",${r.hs6}`);
    writeFileSync(join(incoming, 'declarations.csv'), ['description,hs_code', ...rows].join('\n'));

    const challenger = await until('a challenger', () => state().challengers[0], 150_000);
    expect(challenger.weight).toBe(0.5);

    // Analysts confirm the challenger's answers and correct most of the champion's.
    let sent = 0;
    for (let i = 0; i < 700 && existsSync(join(champion.home, storeKeys.registryState)); i++) {
      const response = await post(`${served.url}/v1/predict`, {
        descriptions: [`cotton knitted shirt ${i}`],
        key: `customer-${i}`,
      });
      const [prediction] = (
        (await response.json()) as {
          predictions: { predictionId: string; modelVersion: string; candidates: { hs6: string }[] }[];
        }
      ).predictions;
      if (!prediction) throw new Error('no prediction');
      const right = prediction.modelVersion === challenger.version ? i % 10 !== 0 : i % 10 < 5;
      // A correction picks another of the offered codes, as an analyst on the page does: one to a
      // code outside them, in another chapter, would be held for review instead of scoring the arms.
      const hs6 = prediction.candidates[right ? 0 : 1]?.hs6 as string;
      expect(await sendFeedback(served.url, { predictionId: prediction.predictionId, hs6 }, analystKey)).toBe(
        201,
      );
      sent++;
    }
    expect(sent).toBe(700);

    const promoted = await until(
      'the promotion',
      () => (state().champion.version === challenger.version ? state() : undefined),
      30_000,
    );
    expect(promoted.fallback).toEqual(champion.ref);
    // The job logs its decision after writing state.json, and the line crosses a pipe: a poll can
    // see the promotion before the server's log has arrived.
    const decision = await until(
      'the promotion in the server log',
      () => /promote job: \S+ → promote: .*/.exec(served.stderr())?.[0],
      10_000,
    );
    expect(decision).toMatch(/significantly better/);

    const history = runCli(['models', 'history', '--json'], { HSCODE_HOME: champion.home });
    const types = (JSON.parse(history.stdout) as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['registered', 'challenger-added', 'promoted']));
    const verify = runCli(['models', 'verify'], { HSCODE_HOME: champion.home });
    expect(verify.status).toBe(0);
    // A fixed amount of work; the feedback rate limit and a shared machine set how long it takes.
  }, 600_000);
});
