/**
 * The function bundles: their sizes per cloud, role and architecture; the cold start of each
 * unzipped inference bundle (a fresh process to the first answered prediction) against
 * `hscode serve`'s in the same run, alternating; and the warm cost of an entry module (a Lambda
 * event through the handler) against calling the HTTP core directly.
 *
 * Then rows/s of a batch file through the Lambda bundle's batch function against the batch core in
 * process.
 *
 *   npm run build && npx tsx bench/function-bundles.ts [--home DIR] [--runs 7] [--calls 2000] [--batch-rows 20000]
 *
 * --home names a store whose champion is measured (default: a full-size model with seeded weights,
 * every HS 2022 subheading as a class: it costs what a trained one costs).
 */
import AdmZip from 'adm-zip';
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { FUNCTION_ENV, BUNDLE_ROLES } from '../models/deployment';
import { loadNomenclature } from '../models/hs/nomenclature';
import { projectFile } from '../models/paths';
import { createHttpHandler } from '../runtime/http/handler';
import { PredictService } from '../runtime/core/predict-service';
import { StoreAuditSink } from '../runtime/core/store-audit-sink';
import { ensureChampion } from '../runtime/registry/ensure-champion';
import { readRegistryState } from '../runtime/registry/registry-state';
import { runBatchTo } from '../runtime/batch/batch-destination';
import { csvCell } from '../runtime/batch/csv-cells';
import { fileDestination } from '../runtime/batch/file-destination';
import { LocalObjectStore } from '../runtime/store/local-store';
import { buildBundle } from '../scripts/bundle/build-bundle';
import { ARCHES_OF, bundleTarget, CLOUDS, type Cloud } from '../scripts/bundle/targets';
import { writeFixtureModel } from '../tests/helpers/model-fixture';
import { buildDefaultCorpus } from '../training/corpus';
import { median } from './sample-stats';

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    runs: { type: 'string', default: '7' },
    calls: { type: 'string', default: '2000' },
    'batch-rows': { type: 'string', default: '20000' },
  },
});
const runs = Number(values.runs);
const calls = Number(values.calls);
const batchRows = Number(values['batch-rows']);
const BODY = JSON.stringify({ descriptions: ["men's cotton knitted t-shirt"] });
/** An HTTP API (payload v2) request for one prediction, as API Gateway delivers it. */
const PREDICT_EVENT = {
  version: '2.0',
  rawPath: '/v1/predict',
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: { http: { method: 'POST' } },
  body: BODY,
  isBase64Encoded: false,
} as unknown as APIGatewayProxyEventV2;
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

async function storeWithModel(): Promise<string> {
  if (values.home) return values.home;
  const home = mkdtempSync(join(tmpdir(), 'hscode-bench-bundles-'));
  const fixture = await writeFixtureModel(home, {
    shrink: false,
    labels: [...loadNomenclature().subheadings.keys()].sort(),
    texts: buildDefaultCorpus().rows.map((r) => r.text),
  });
  await ensureChampion(new LocalObjectStore(home), fixture.ref);
  return home;
}

/** Spawns a process and resolves with the time until `ready(output)` first says yes. */
function timeUntil(
  command: string[],
  env: Record<string, string>,
  cwd: string,
  ready: (out: string) => Promise<boolean> | boolean,
): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, command, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const check = async () => {
      if (await ready(out)) {
        child.kill('SIGKILL');
        resolve(performance.now() - started);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      void check().catch(reject);
    });
    child.on('exit', (code) => {
      if (code) reject(new Error(`${command.join(' ')} exited with ${code}`));
    });
    // A host that prints nothing (the functions framework) is polled from the start.
    void check().catch(reject);
  });
}

/** Spawns a process and resolves with the time until it exits cleanly. */
function timeToExit(command: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, command, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) =>
      code
        ? reject(new Error(`${command.join(' ')} exited with ${code}`))
        : resolve(performance.now() - started),
    );
  });
}

/**
 * Rows/s of a batch file through the Lambda bundle's batch function (a fresh process per run, its
 * cold start measured alone and taken off) against the batch core in this process, alternating.
 */
async function batchThroughBundle(home: string, awsDir: string): Promise<{ bundle: number; core: number }> {
  const rows = batchRows;
  const corpus = buildDefaultCorpus().rows;
  const csv = `id,description\n${Array.from({ length: rows }, (_, i) => `${i},${csvCell((corpus[(i * 7) % corpus.length] as { text: string }).text)}`).join('\n')}\n`;
  const env = { [FUNCTION_ENV.store]: home, NODE_ENV: 'production' };
  const work = mkdtempSync(join(tmpdir(), 'hscode-bench-batch-'));
  const invoke = (calls: unknown[]) => {
    const file = join(work, `invocations-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(calls));
    return timeToExit(
      [projectFile('tests/bundles/runners/lambda-runner.cjs'), join(awsDir, 'index.js'), file],
      env,
      awsDir,
    );
  };
  const store = new LocalObjectStore(home);
  const service = new PredictService({
    store,
    audit: new StoreAuditSink(store),
    registry: async () => (await readRegistryState(store))!.state,
  });
  await service.preload();
  const bundle: number[] = [];
  const core: number[] = [];
  for (let run = 0; run < runs; run++) {
    const key = `batch/in/bench-${run}.csv`;
    await store.put(key, csv);
    const cold = await invoke([{ fn: 'api', event: PREDICT_EVENT }]);
    const whole = await invoke([
      { fn: 'api', event: PREDICT_EVENT },
      {
        fn: 'batch',
        event: {
          Records: [
            {
              eventSource: 'aws:s3',
              eventName: 'ObjectCreated:Put',
              s3: { bucket: { name: 'local' }, object: { key, size: csv.length } },
            },
          ],
        },
      },
    ]);
    bundle.push(rows / ((whole - cold) / 1000));
    const input = join(work, `in-${run}.csv`);
    writeFileSync(input, csv);
    const started = performance.now();
    await runBatchTo(fileDestination(join(work, `out-${run}.csv`)), {
      input: createReadStream(input),
      name: input,
      service,
      topK: 3,
    });
    core.push(rows / ((performance.now() - started) / 1000));
  }
  await service.close();
  return { bundle: median(bundle), core: median(core) };
}

/** Polls until a prediction is answered (the server may listen before its model is loaded). */
async function untilPredicts(url: string): Promise<true> {
  for (;;) {
    if (await predictsAt(url).catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function predictsAt(url: string): Promise<boolean> {
  const response = await fetch(`${url}/v1/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });
  return response.status === 200;
}

async function coldStarts(home: string, dirs: Record<Cloud, string>): Promise<Record<string, number[]>> {
  const env = { [FUNCTION_ENV.store]: home, HSCODE_HOME: home, NODE_ENV: 'production' };
  const invocations = join(mkdtempSync(join(tmpdir(), 'hscode-bench-inv-')), 'invocations.json');
  writeFileSync(invocations, JSON.stringify([{ fn: 'api', event: PREDICT_EVENT }]));
  const azureInvocations = join(dirname(invocations), 'azure.json');
  writeFileSync(
    azureInvocations,
    JSON.stringify([
      {
        fn: 'api',
        request: {
          method: 'POST',
          url: 'https://app/v1/predict',
          headers: { 'content-type': 'application/json' },
          body: BODY,
        },
      },
    ]),
  );
  const framework = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const measures: Record<string, () => Promise<number>> = {
    'hscode serve': () =>
      timeUntil(
        [projectFile('dist/cli/main.js'), 'serve', '--port', '0', '--no-train', '--no-jobs'],
        env,
        home,
        async (out) => {
          const url = /(http:\/\/\S+?)\/?\s/.exec(out)?.[1];
          return url ? untilPredicts(url) : false;
        },
      ),
    aws: () =>
      timeUntil(
        [projectFile('tests/bundles/runners/lambda-runner.cjs'), join(dirs.aws, 'index.js'), invocations],
        env,
        dirs.aws,
        (out) => out.includes('"statusCode":200'),
      ),
    gcp: () =>
      timeUntil([framework, '--target=api', `--source=${dirs.gcp}`, `--port=${port}`], env, dirs.gcp, () =>
        untilPredicts(`http://127.0.0.1:${port}`),
      ),
    azure: () =>
      timeUntil(
        [
          projectFile('tests/bundles/runners/azure-runner.cjs'),
          join(dirs.azure, 'index.js'),
          dirname(require.resolve('@azure/functions/package.json')),
          azureInvocations,
        ],
        env,
        dirs.azure,
        (out) => out.includes('"status":200'),
      ),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(measures).map((k) => [k, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, measure] of Object.entries(measures)) (times[name] as number[]).push(await measure());
  }
  return times;
}

async function warmOverhead(home: string): Promise<{ core: number; lambda: number }> {
  process.env[FUNCTION_ENV.store] = home;
  const store = new LocalObjectStore(home);
  const service = new PredictService({
    store,
    audit: new StoreAuditSink(store),
    registry: async () => (await readRegistryState(store))!.state,
  });
  const handler = createHttpHandler({ service, log: () => undefined });
  const lambda = await import('../runtime/aws/handlers');
  const request = {
    method: 'POST',
    path: '/v1/predict',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(BODY),
  };
  const time = async (call: () => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await call();
    const xs: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      await call();
      xs.push(performance.now() - started);
    }
    return median(xs);
  };
  // Both settle their audit records before answering, as a function must.
  const core = await time(async () => {
    await handler(request);
    await service.drain();
  });
  const viaLambda = await time(() => lambda.api(PREDICT_EVENT));
  return { core, lambda: viaLambda };
}

async function main(): Promise<void> {
  console.log(
    `# ${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model} · node ${process.version}`,
  );
  const out = mkdtempSync(join(tmpdir(), 'hscode-bench-zips-'));
  console.log('\n| bundle | zipped MB | unzipped MB | sha256 |\n|---|---|---|---|');
  const dirs = {} as Record<Cloud, string>;
  for (const cloud of CLOUDS) {
    for (const role of BUNDLE_ROLES) {
      for (const arch of ARCHES_OF[cloud]) {
        const index = await buildBundle(bundleTarget(cloud, role, arch), out);
        console.log(
          `| ${index.file} | ${mb(index.zippedBytes)} | ${mb(index.unzippedBytes)} | ${index.sha256.slice(0, 12)} |`,
        );
        if (role === 'predict' && arch === 'x64') {
          dirs[cloud] = mkdtempSync(join(tmpdir(), `hscode-bench-${cloud}-`));
          new AdmZip(join(out, index.file)).extractAllTo(dirs[cloud]);
        }
      }
    }
  }
  const home = await storeWithModel();
  const times = await coldStarts(home, dirs);
  const serve = median(times['hscode serve'] as number[]);
  console.log(
    `\nCold start to the first answered prediction, median of ${runs} alternating runs:\n\n| host | median ms | min ms | against hscode serve |\n|---|---|---|---|`,
  );
  for (const [name, xs] of Object.entries(times)) {
    console.log(
      `| ${name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${(median(xs) / serve).toFixed(2)}× |`,
    );
  }
  const warm = await warmOverhead(home);
  console.log(
    `\nWarm invocation, median of ${calls}: HTTP core ${warm.core.toFixed(3)} ms, through the Lambda entry module ${warm.lambda.toFixed(3)} ms (+${(warm.lambda - warm.core).toFixed(3)} ms)`,
  );
  const batch = await batchThroughBundle(home, dirs.aws);
  console.log(
    `\nBatch of ${batchRows.toLocaleString('en')} rows, median of ${runs}: through the Lambda bundle ${batch.bundle.toFixed(0)} rows/s, ` +
      `batch core in process ${batch.core.toFixed(0)} rows/s (bundle / core = ${(batch.bundle / batch.core).toFixed(2)})`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
