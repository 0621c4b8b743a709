import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ARTIFACT_FILES } from '../models/artifact';
import { storeKeys } from '../models/store-layout';
import type { HistoryEntry } from '../runtime/registry/history';
import { Registry } from '../runtime/registry/registry';
import { readRegistryState } from '../runtime/registry/registry-state';
import { ensureChampion } from '../runtime/registry/ensure-champion';
import { LocalObjectStore } from '../runtime/store/local-store';
import type { ModelRow } from '../cli/models-table';
import { runCli } from './helpers/run-cli';
import { trainTinyModel, type TrainedModel } from './helpers/trained-model';

let home: string;
let champion: TrainedModel;
let challenger: TrainedModel;
let store: LocalObjectStore;

const models = (args: string[]) => runCli(['models', ...args], { HSCODE_HOME: home });
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

beforeAll(async () => {
  champion = await trainTinyModel({ seed: 3 });
  home = champion.home;
  challenger = await trainTinyModel({ home, seed: 4 });
  store = new LocalObjectStore(home);
  await ensureChampion(store, champion.ref);
  await new Registry(store, { actor: 'retrain-job' }).register(challenger.ref, 'challenger', 0.25);
});

describe('hscode models', () => {
  it('has --help with examples for every subcommand', () => {
    for (const command of [[], ['list'], ['history'], ['promote'], ['rollback'], ['verify']]) {
      const { status, stdout } = models([...command, '--help']);
      expect(status).toBe(0);
      expect(stdout).toMatch(/Usage: hscode models/);
      expect(stdout).toMatch(/Examples:/);
    }
  });

  it('lists the routed models with their traffic share and their manifests’ scores', () => {
    const { status, stdout } = models(['list']);
    expect(status).toBe(0);
    const lines = stdout.split('\n');
    const line = (version: string) => lines.find((l) => l.includes(version)) ?? '';
    expect(line(champion.ref.version)).toMatch(/champion.*75\.0%/);
    expect(line(champion.ref.version)).toContain(percent(champion.manifest.metrics.validation.top1.hs6));
    expect(line(challenger.ref.version)).toMatch(/challenger.*25\.0%/);
    expect(line(challenger.ref.version)).toContain(challenger.manifest.createdAt.slice(0, 10));

    const rows = JSON.parse(models(['list', '--json']).stdout) as ModelRow[];
    expect(rows).toEqual([
      expect.objectContaining({
        role: 'champion',
        version: champion.ref.version,
        weight: 0.75,
        createdAt: champion.manifest.createdAt,
        validationTop1Hs6: champion.manifest.metrics.validation.top1.hs6,
        developmentTop1Hs2: champion.manifest.metrics.development?.top1.hs2 ?? null,
      }),
      expect.objectContaining({ role: 'challenger', version: challenger.ref.version, weight: 0.25 }),
    ]);
  });

  it('promotes and rolls back by hand, recording the person (cli:user@host) and the reason', () => {
    const unreasoned = models(['promote', challenger.ref.version]);
    expect(unreasoned.status).not.toBe(0);
    expect(unreasoned.stderr).toContain('--reason');

    const promoted = models(['promote', challenger.ref.version, '--reason', 'better on the development set']);
    expect(promoted.status).toBe(0);
    expect(promoted.stdout).toContain(
      `promoted ${challenger.ref.variant}/${challenger.ref.version} to champion`,
    );
    const again = models(['promote', challenger.ref.version, '--reason', 'twice']);
    expect(again).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^nothing to do: .* already the champion/),
    });
    const unknown = models(['promote', 'textcnn-000000000000', '--reason', 'typo']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^hscode: textcnn-000000000000 is not a challenger \(champion .*\)/);

    const rolledBack = models(['rollback', '--reason', 'analysts report regressions']);
    expect(rolledBack.status).toBe(0);
    expect(rolledBack.stdout).toContain(`${champion.ref.version} is the champion again`);

    const history = JSON.parse(models(['history', '--json']).stdout) as HistoryEntry[];
    // The first champion's registration opens the history; a decision by hand names who made it, and where.
    const person = `cli:${userInfo().username}@${hostname()}`;
    expect(history.map((e) => [e.type, e.actor])).toEqual([
      ['registered', 'registry'],
      ['registered', 'retrain-job'],
      ['challenger-added', 'retrain-job'],
      ['promoted', person],
      ['rolled-back', person],
    ]);
    expect(history[3]?.details.reason).toBe('better on the development set');
    expect(history[4]?.details).toMatchObject({ reason: 'analysts report regressions', role: 'champion' });

    const table = models(['history', '--limit', '2']);
    expect(table.status).toBe(0);
    expect(table.stdout).not.toContain('challenger-added');
    expect(table.stdout).toMatch(/promoted[\s\S]*rolled-back/);
    expect(table.stdout).toContain('analysts report regressions');
  });

  it('verifies the registry, and names a tampered artifact with a non-zero exit', async () => {
    const ok = models(['verify']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok: \d+ history entries chained/);
    const okJson = models(['verify', '--json']);
    expect(okJson.status).toBe(0);
    const verified = JSON.parse(okJson.stdout) as { ok: boolean; entries: number; head: { seq: number } };
    expect(verified.ok).toBe(true);
    expect(verified.head.seq).toBe(verified.entries);
    expect(okJson.stdout).toBe(`${JSON.stringify(JSON.parse(okJson.stdout))}\n`);

    // The challenger no longer serves (rolled back above) but the history still names it.
    const state = (await readRegistryState(store))?.state;
    expect(JSON.stringify(state)).not.toContain(challenger.ref.version);
    const onnx = join(
      home,
      storeKeys.modelFile(challenger.ref.variant, challenger.ref.version, ARTIFACT_FILES.onnx),
    );
    const original = readFileSync(onnx);
    const tampered = Buffer.from(original);
    tampered.writeUInt8(tampered.readUInt8(64) ^ 0x01, 64);
    writeFileSync(onnx, tampered);
    try {
      const broken = models(['verify']);
      expect(broken.status).toBe(1);
      expect(broken.stderr).toContain(`artifact ${challenger.ref.variant}/${challenger.ref.version}`);
      expect(broken.stderr).toContain('model.onnx');
      expect(broken.stderr.trim().split('\n')).toHaveLength(1);
      const brokenJson = models(['verify', '--json']);
      expect(brokenJson.status).toBe(1);
      expect(JSON.parse(brokenJson.stdout)).toMatchObject({
        ok: false,
        broken: { kind: 'artifact', ref: challenger.ref },
      });
    } finally {
      writeFileSync(onnx, original);
    }
  });

  it('tells the user when HSCODE_HOME has no registry yet', () => {
    const empty = mkdtempSync(join(tmpdir(), 'hscode-empty-'));
    const { status, stderr } = runCli(['models', 'list'], { HSCODE_HOME: empty });
    expect(status).toBe(1);
    expect(stderr).toMatch(/^hscode: no model registry in .* yet: "hscode serve"/);
  });
});
