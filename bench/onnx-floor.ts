/**
 * What ONNX Runtime alone costs for the served network, before any of this project's code: the
 * floor under the serving targets. The network's graph is run whole and cut after each stage
 * (pooled features, bottleneck, output layer, its softmax), beside a graph that does nothing
 * (Identity over the same input), one row at a time and in batches of 32, in alternating rounds;
 * medians per row. With --cold it also starts fresh processes that only load ONNX Runtime, open
 * the model and answer one row: the part of a cold start no code of this project is in.
 *
 *   npx tsx bench/onnx-floor.ts --home DIR [--rounds 5] [--cold 7] [--sizes 1,8,32,256]
 *
 * --sizes also times the whole graph at each of those run sizes (rows per session.run).
 * The token ids are a fixed pattern, not encoded text: a row costs the same whatever its ids.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { ARTIFACT_FILES } from '../models/artifact';
import { modelRefKey } from '../models/model-ref';
import { ONNX_INPUT_NAME, ONNX_TEMPERED_OUTPUT_NAME } from '../models/onnx-contract';
import { ONNX_TELEMETRY_SWITCH, openOnnxSession, telemetrySwitch } from '../models/onnx-session';
import { storeKeys } from '../models/store-layout';
import { LocalObjectStore } from '../runtime/store/local-store';
import { benchModelRef } from './bench-model';
import { median } from './sample-stats';

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    cold: { type: 'string', default: '0' },
    sizes: { type: 'string' },
  },
});

/** Where the Text-CNN export names its stages' outputs; a stage the graph lacks is skipped. */
const STAGES: ReadonlyArray<[label: string, tensor: string]> = [
  ['embedding, convolutions, max-pool', 'features'],
  ['+ bottleneck', 'bottleneck'],
  ['+ output layer (int8, 5,612 labels)', 'probabilities/pre_activation'],
  ['+ softmax', 'probabilities'],
];
const BATCH = 32;

/** The graph cut after the node that makes `tensor`, which becomes its only (float) output. */
function cutAt(model: onnx.ModelProto, tensor: string): Uint8Array | undefined {
  const nodes = model.graph?.node ?? [];
  const last = nodes.findIndex((node) => node.output?.includes(tensor));
  if (last < 0) return undefined;
  const kept = nodes.slice(0, last + 1);
  const used = new Set(kept.flatMap((node) => node.input ?? []));
  const graph = onnx.GraphProto.create({
    ...model.graph,
    node: kept,
    initializer: (model.graph?.initializer ?? []).filter((t) => used.has(t.name ?? '')),
    output: [
      onnx.ValueInfoProto.create({
        name: tensor,
        type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } },
      }),
    ],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ ...model, graph })).finish();
}

/** Identity over the network's own input: what one run costs with no work in it. */
function identityOf(model: onnx.ModelProto): Uint8Array {
  const input = model.graph?.input?.find((i) => i.name === ONNX_INPUT_NAME);
  const graph = onnx.GraphProto.create({
    name: 'identity',
    node: [{ opType: 'Identity', input: [ONNX_INPUT_NAME], output: ['copy'] }],
    input: [input as onnx.IValueInfoProto],
    output: [{ name: 'copy', type: input?.type }],
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: model.irVersion, opsetImport: model.opsetImport, graph }),
  ).finish();
}

/** Median µs per row of `runs` runs of `rows` rows each. */
async function perRow(session: ort.InferenceSession, ids: Int32Array, rows: number, length: number) {
  const feeds = {
    [ONNX_INPUT_NAME]: new ort.Tensor('int32', ids.subarray(0, rows * length), [rows, length]),
  };
  const runs = rows === 1 ? 1500 : 150;
  for (let i = 0; i < 20; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await session.run(feeds);
    times.push(performance.now() - started);
  }
  return (median(times) * 1000) / rows;
}

/** Milliseconds from a fresh process's start to ONNX Runtime's answer for one row of `file`. */
function coldRun(file: string, length: number): { answered: number; wall: number } {
  const script = `
    const ort = require(${JSON.stringify(require.resolve('onnxruntime-node'))});
    const bytes = require('node:fs').readFileSync(process.argv[1]);
    ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 }).then(async (session) => {
      await session.run({ ${ONNX_INPUT_NAME}: new ort.Tensor('int32', new Int32Array(${length}), [1, ${length}]) });
      console.log(performance.now());
    });`;
  const started = performance.now();
  // The telemetry switch is set as openOnnxSession sets it (models/onnx-session.ts).
  const env = { ...process.env, [ONNX_TELEMETRY_SWITCH]: telemetrySwitch(process.env) };
  const child = spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8', env });
  const wall = performance.now() - started;
  if (child.status !== 0) throw new Error(`the cold process failed: ${child.stderr}`);
  return { answered: Number(child.stdout.trim()), wall };
}

async function main(): Promise<void> {
  const home = values.home ?? process.env.HSCODE_HOME ?? 'var';
  const rounds = Number(values.rounds);
  const ref = await benchModelRef(home);
  const key = storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.onnx);
  const bytes = (await new LocalObjectStore(home).get(key))?.body;
  if (!bytes) throw new Error(`${home} has no ${key}`);
  const model = onnx.ModelProto.decode(bytes);
  const dims = model.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
  const length = Number(dims[1]?.dimValue ?? 0);

  const graphs: Array<[string, Uint8Array]> = [['nothing (Identity)', identityOf(model)]];
  for (const [label, tensor] of STAGES) {
    const cut = cutAt(model, tensor);
    if (cut) graphs.push([label, cut]);
  }
  graphs.push([`whole graph (${ONNX_TEMPERED_OUTPUT_NAME} too)`, bytes]);
  const options = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' } as const;
  const sessions = await Promise.all(graphs.map(([, graph]) => openOnnxSession(graph, options)));
  const sizes = (values.sizes ?? '').split(',').filter(Boolean).map(Number);
  if (!sizes.every((size) => Number.isInteger(size) && size >= 1)) {
    throw new Error(`--sizes takes whole numbers of rows separated by commas, got ${values.sizes}`);
  }
  const ids = Int32Array.from({ length: Math.max(BATCH, ...sizes) * length }, (_, i) => (i * 7919) % 7000);

  console.log(
    `# ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · onnxruntime-node ${ort.env.versions.node}`,
  );
  console.log(
    `model ${modelRefKey(ref)}, ${length} tokens a row, 1 intra-op thread; ${rounds} alternating rounds, medians`,
  );
  const single: number[][] = graphs.map(() => []);
  const batched: number[][] = graphs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, session] of sessions.entries()) {
      single[i]?.push(await perRow(session, ids, 1, length));
      batched[i]?.push(await perRow(session, ids, BATCH, length));
    }
  }
  console.log(`\n| graph | one row, µs | per row in a batch of ${BATCH}, µs |\n|---|---|---|`);
  graphs.forEach(([label], i) => {
    console.log(
      `| ${label} | ${median(single[i] ?? []).toFixed(1)} | ${median(batched[i] ?? []).toFixed(1)} |`,
    );
  });
  if (sizes.length > 0) {
    const whole = sessions.at(-1) as ort.InferenceSession;
    const bySize = sizes.map((): number[] => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, size] of sizes.entries()) bySize[i]?.push(await perRow(whole, ids, size, length));
    }
    console.log(`\n| rows per run (whole graph) | µs per row |\n|---|---|`);
    sizes.forEach((size, i) => console.log(`| ${size} | ${median(bySize[i] ?? []).toFixed(1)} |`));
  }
  await Promise.all(sessions.map((session) => session.release()));

  const coldRuns = Number(values.cold);
  if (coldRuns > 0) {
    const file = join(mkdtempSync(join(tmpdir(), 'hscode-onnx-floor-')), 'model.onnx');
    writeFileSync(file, bytes);
    const runs = Array.from({ length: coldRuns }, () => coldRun(file, length));
    const bare = Array.from({ length: coldRuns }, () => {
      const started = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return performance.now() - started;
    });
    console.log(
      `\ncold, ${coldRuns} runs: \`node -e 0\` ${median(bare).toFixed(0)} ms; load ONNX Runtime, open the model, ` +
        `answer one row: ${median(runs.map((r) => r.answered)).toFixed(0)} ms after the process began ` +
        `(${median(runs.map((r) => r.wall)).toFixed(0)} ms from spawn to exit)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
