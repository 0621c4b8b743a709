import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../models/paths';
import { auditRecordsIn } from './helpers/audit-records';
import { csvObjects } from './helpers/batch-fixture';
import { runCli } from './helpers/run-cli';
import { startServeProcess, type ServeProcess } from './helpers/serve-process';
import { trainTinyModel, type TrainedModel } from './helpers/trained-model';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ORDERS = [
  'SKU;Product Description;price',
  "A1;men's cotton knitted t-shirt;9.90",
  'A2;;1.00',
  'A3;frozen shrimp 500g bag;4.50',
  '',
  'A4;=cmd|calc;0',
].join('\r\n');

describe('batch predictions on one machine', () => {
  let model: TrainedModel;
  let served: ServeProcess;

  beforeAll(async () => {
    model = await trainTinyModel({ seed: 7 });
    served = await startServeProcess(model.home, ['--no-jobs']);
  }, 120_000);
  afterAll(() => {
    served?.child.kill('SIGTERM');
  });

  it('predicts a CSV dropped into batch/in/ of a running server into batch/out/, audited', async () => {
    mkdirSync(join(model.home, 'batch', 'in'), { recursive: true });
    writeFileSync(join(model.home, 'batch', 'in', 'orders.csv'), ORDERS);
    const summaryPath = join(model.home, 'batch', 'out', 'orders.summary.json');
    for (const deadline = Date.now() + 30_000; !existsSync(summaryPath) && Date.now() < deadline;)
      await sleep(100);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({
      input: 'batch/in/orders.csv',
      columns: { description: 'Product Description', id: 'SKU' },
      rows: { read: 4, predicted: 3, rejected: 1 },
      models: [{ variant: model.ref.variant, version: model.ref.version, rows: 3 }],
    });

    const rows = csvObjects(readFileSync(join(model.home, 'batch', 'out', 'orders.csv'), 'utf8'));
    expect(rows.map((r) => [r.line, r.id, r.description])).toEqual([
      ['2', 'A1', "men's cotton knitted t-shirt"],
      ['4', 'A3', 'frozen shrimp 500g bag'],
      ['6', 'A4', "'=cmd|calc"],
    ]);
    const rejects = csvObjects(readFileSync(join(model.home, 'batch', 'out', 'orders.rejects.csv'), 'utf8'));
    expect(rejects).toEqual([{ line: '3', reason: 'blank-description', raw: 'A2;;1.00' }]);

    const audited = new Map(auditRecordsIn(model.home).map((r) => [r.predictionId, r]));
    for (const row of rows) {
      expect(audited.get(row.prediction_id as string)).toMatchObject({
        version: model.ref.version,
        topK: [{ hs6: row.hs6_1 }, { hs6: row.hs6_2 }, { hs6: row.hs6_3 }],
      });
    }
    const logged = /batch batch\/in\/orders\.csv: 4 rows, 3 predicted, 1 rejected/;
    for (const deadline = Date.now() + 5000; !logged.test(served.stderr()) && Date.now() < deadline;)
      await sleep(50);
    expect(served.stderr()).toMatch(logged);
  }, 60_000);

  it('leaves no file handle for the garbage collector to close after predicting a file', () => {
    const file = join(model.home, 'gc-probe.csv');
    writeFileSync(file, 'description\nmens cotton t-shirt\nfrozen shrimp\n');
    const probe = join(projectRoot(), 'tests', 'helpers', 'predict-file-gc-probe.ts');
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--require', 'tsx/cjs', probe, model.home, file],
      {
        cwd: projectRoot(),
        encoding: 'utf8',
      },
    );
    expect(run.stderr).not.toMatch(/EBADF|error/i);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ read: 2, predicted: 2 });
  }, 120_000);

  it('predicts a file from the command line into a CSV beside it and prints the summary', () => {
    const file = join(model.home, 'products.jsonl');
    writeFileSync(
      file,
      '{"text": "stainless steel hex bolts", "id": 1}\n{"text": "green tea, 100 g"}\nnot json\n',
    );
    const { status, stdout, stderr } = runCli(['predict', '--file', file, '--top', '2'], {
      HSCODE_HOME: model.home,
    });
    expect(stderr).not.toMatch(/error/i);
    expect(status).toBe(0);
    expect(stdout).toMatch(/rows read\s+3/);
    expect(stdout).toMatch(/rejected\s+1 \(malformed-json 1\)/);
    const rows = csvObjects(readFileSync(join(model.home, 'products.predictions.csv'), 'utf8'));
    expect(rows.map((r) => [r.id, r.description])).toEqual([
      ['1', 'stainless steel hex bolts'],
      ['', 'green tea, 100 g'],
    ]);
    expect(Object.keys(rows[0] ?? {})).toContain('probability_2');
    expect(Object.keys(rows[0] ?? {})).not.toContain('hs6_3');
    expect(existsSync(join(model.home, 'products.predictions.rejects.csv'))).toBe(true);
    expect(
      JSON.parse(readFileSync(join(model.home, 'products.predictions.summary.json'), 'utf8')),
    ).toMatchObject({
      rows: { predicted: 2, rejected: 1 },
    });
  });

  it('prints, with --explain, what retrieval read an unknown word as', () => {
    const { status, stdout, stderr } = runCli(['predict', '--explain', 'fresh tunny troutt'], {
      HSCODE_HOME: model.home,
    });
    expect(stderr).not.toMatch(/error/i);
    expect(status).toBe(0);
    const why = /^why: (.*)$/m.exec(stdout)?.[1] ?? '';
    expect(why).toMatch(/tunny \[read as tuna\] \([+-]\d/);
    expect(why).toMatch(/troutt \[read as trout\] \([+-]\d/);
    expect(why).toMatch(/fresh \([+-]\d/);
  });

  it('says what is wrong with a file it cannot read, and exits non-zero', () => {
    const missing = runCli(['predict', '--file', join(model.home, 'nope.csv')], { HSCODE_HOME: model.home });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv: no such file/);

    const sheet = join(model.home, 'sheet.csv');
    writeFileSync(sheet, Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
    const binary = runCli(['predict', '--file', sheet, '--json'], { HSCODE_HOME: model.home });
    expect(binary.status).toBe(1);
    expect(JSON.parse(binary.stdout)).toMatchObject({ error: { problem: 'not-text' } });
    expect(existsSync(join(model.home, 'sheet.predictions.csv'))).toBe(false);
  });
});
