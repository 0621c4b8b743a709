import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storeKeys } from '../models/store-layout';
import { Registry } from '../runtime/registry/registry';
import { parseRegistryState } from '../runtime/registry/registry-state';
import { LocalObjectStore } from '../runtime/store/local-store';
import { runCli } from './helpers/run-cli';
import { startServeProcess, type ServeProcess } from './helpers/serve-process';
import { trainTinyModel, type TrainedModel } from './helpers/trained-model';

const predict = async (url: string, description: string) => {
  const response = await fetch(`${url}/v1/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ descriptions: [description], topK: 3 }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { predictions: { modelVersion: string }[] },
  };
};

describe('the embedded default server', () => {
  let champion: TrainedModel;
  let served: ServeProcess;

  beforeAll(async () => {
    champion = await trainTinyModel({ seed: 5 });
    served = await startServeProcess(champion.home);
  }, 120_000);

  afterAll(() => {
    served?.child.kill('SIGTERM');
  });

  it('prints a localhost URL and registers the trained model as champion', async () => {
    expect(served.url).toMatch(/^http:\/\/localhost:\d+$/);
    const state = parseRegistryState(readFileSync(join(champion.home, storeKeys.registryState)));
    expect(state.champion).toEqual(champion.ref);
    const health = await fetch(`${served.url}/healthz`);
    expect(health.status).toBe(200);
    const { status, body } = await predict(served.url, "men's cotton knitted t-shirt");
    expect(status).toBe(200);
    expect(body.predictions[0]?.modelVersion).toBe(champion.ref.version);
  });

  it('classifies from the command line with the same champion, as a table or JSON', () => {
    const { status, stdout, stderr } = runCli(
      ['predict', '--json', '--top', '2'],
      { HSCODE_HOME: champion.home },
      'frozen shrimp\n\ncotton t-shirt\n',
    );
    expect(stderr).not.toMatch(/error/i);
    expect(status).toBe(0);
    const parsed = JSON.parse(stdout) as { predictions: { candidates: unknown[] }[] };
    expect(parsed.predictions).toHaveLength(2);
    expect(parsed.predictions.every((p) => p.candidates.length === 2)).toBe(true);
  });

  it('tells a user with an empty store what to do', () => {
    const { status, stderr } = runCli(['predict', 'tea'], {
      HSCODE_HOME: join(champion.home, 'nothing-here'),
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/hscode train/);
  });
  it('refuses a champion whose model file was corrupted and keeps serving the last good one', async () => {
    // A second, different model is approved and promoted through the registry; then its ONNX file is damaged.
    const broken = await trainTinyModel({ seed: 6 });
    const target = join(champion.home, storeKeys.modelPrefix(broken.ref.variant, broken.ref.version));
    mkdirSync(target, { recursive: true });
    for (const file of readdirSync(broken.dir).filter((f) => !f.endsWith('.html'))) {
      writeFileSync(join(target, file), readFileSync(join(broken.dir, file)));
    }
    const registry = new Registry(new LocalObjectStore(champion.home), { actor: 'test' });
    await registry.register(broken.ref, 'challenger', 0);
    await registry.promote(broken.ref);
    const onnx = join(target, 'model.onnx');
    const bytes = readFileSync(onnx);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0xff;
    writeFileSync(onnx, bytes);
    expect(parseRegistryState(readFileSync(join(champion.home, storeKeys.registryState))).champion).toEqual(
      broken.ref,
    );

    // The server re-reads the registry every 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    for (let i = 0; i < 3; i++) {
      const { status, body } = await predict(served.url, 'frozen shrimp');
      expect(status).toBe(200);
      expect(body.predictions[0]?.modelVersion).toBe(champion.ref.version);
    }
    expect(served.stderr()).toMatch(new RegExp(`${broken.ref.version}.*sha256`, 'i'));
    expect(served.child.exitCode).toBeNull();
  }, 60_000);

  it('makes the command line refuse that champion with a reason instead of answering', () => {
    const { status, stderr } = runCli(['predict', 'tea'], { HSCODE_HOME: champion.home });
    expect(status).toBe(1);
    expect(stderr).toMatch(/cannot be loaded/);
  });
});
