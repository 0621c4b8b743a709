/**
 * This build against another checkout of the project, in one process and on the same model and
 * texts, in alternating rounds so both see the same machine: the model call alone
 * (`classifier.predict`, one description), the service (validate, route, classify, audit; one
 * description), a batch of 256 through the service, and 64 concurrent callers of one description
 * each (what request coalescing is for). Used by `predict-latency.ts --baseline`.
 *
 * The other checkout's TypeScript is imported as it is (tsx compiles it); its `node_modules`
 * must resolve to the same `onnxruntime-node` (a symlink to this checkout's does), so both
 * builds run the same native library.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ModelRef } from '../models/model-ref';
import { median } from './sample-stats';

const BATCH = 256;

/** The parts of a build the comparison drives: what both the old and the new build export. */
export interface Build {
  name: string;
  single(text: string): Promise<unknown>;
  model(text: string): Promise<unknown>;
  batch(texts: string[]): Promise<unknown>;
  close(): Promise<void>;
}

interface BuildModules {
  classifier: {
    OnnxClassifier: {
      load(
        store: unknown,
        ref: ModelRef,
      ): Promise<{ predict(texts: string[], options: { topK: number; explain: boolean }): Promise<unknown> }>;
    };
  };
  service: {
    PredictService: new (options: Record<string, unknown>) => {
      predict(request: { descriptions: string[] }): Promise<unknown>;
      preload(): Promise<void>;
      close(): Promise<void>;
    };
  };
  audit: { LocalAuditSink: new (home: string) => unknown };
  store: { LocalObjectStore: new (home: string) => unknown };
}

export async function openBuild(name: string, checkout: string, home: string, ref: ModelRef): Promise<Build> {
  const from = (path: string) => import(join(checkout, path));
  const modules = {
    classifier: await from('runtime/core/onnx-classifier.ts'),
    service: await from('runtime/core/predict-service.ts'),
    audit: await from('runtime/core/local-audit-sink.ts'),
    store: await from('runtime/store/local-store.ts'),
  } as BuildModules;
  const store = new modules.store.LocalObjectStore(home);
  const classifier = await modules.classifier.OnnxClassifier.load(store, ref);
  // Audit records go to a folder of their own, not into the model's store.
  const audit = new modules.audit.LocalAuditSink(mkdtempSync(join(tmpdir(), 'hscode-bench-audit-')));
  const service = new modules.service.PredictService({
    store,
    audit,
    registry: () => ({ champion: ref, challengers: [], shadows: [] }),
  });
  await service.preload();
  return {
    name,
    single: (text) => service.predict({ descriptions: [text] }),
    model: (text) => classifier.predict([text], { topK: 5, explain: false }),
    batch: (texts) => service.predict({ descriptions: texts }),
    close: () => service.close(),
  };
}

async function latencies(calls: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(200, calls); i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await run(i);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

interface Round {
  modelP50: number;
  serviceP50: number;
  serviceP99: number;
  batchPerSecond: number;
  concurrentPerSecond: number;
}

const CALLERS = 64;

async function round(build: Build, texts: readonly string[], calls: number, offset: number): Promise<Round> {
  const pick = (i: number) => texts[(offset + i) % texts.length] as string;
  const model = await latencies(calls, (i) => build.model(pick(i)));
  const single = await latencies(calls, (i) => build.single(pick(i)));
  const batches = 10;
  const batchOf = (b: number) => Array.from({ length: BATCH }, (_, j) => pick(b * BATCH + j));
  await build.batch(batchOf(0));
  const started = performance.now();
  for (let b = 1; b <= batches; b++) await build.batch(batchOf(b));
  const seconds = (performance.now() - started) / 1000;
  const concurrentStarted = performance.now();
  for (let wave = 0; wave < 20; wave++) {
    await Promise.all(Array.from({ length: CALLERS }, (_, j) => build.single(pick(wave * CALLERS + j))));
  }
  const concurrentSeconds = (performance.now() - concurrentStarted) / 1000;
  return {
    concurrentPerSecond: (20 * CALLERS) / concurrentSeconds,
    modelP50: median(model),
    serviceP50: median(single),
    serviceP99: single[Math.floor(single.length * 0.99)] as number,
    batchPerSecond: (batches * BATCH) / seconds,
  };
}

/**
 * Runs `rounds` alternating rounds (this build first in odd rounds, the baseline first in even
 * ones) and prints each build's medians over rounds and the ratios.
 */
export async function compareBuilds(options: {
  baseline: string;
  home: string;
  ref: ModelRef;
  /** The baseline's model, when it cannot run this build's (default: the same). */
  baselineModel?: { home: string; ref: ModelRef };
  texts: readonly string[];
  rounds: number;
  calls: number;
}): Promise<void> {
  const baselineModel = options.baselineModel ?? { home: options.home, ref: options.ref };
  const builds = [
    await openBuild('this build', resolve(__dirname, '..'), options.home, options.ref),
    await openBuild(
      `baseline ${options.baseline}`,
      resolve(options.baseline),
      baselineModel.home,
      baselineModel.ref,
    ),
  ];
  const results = new Map<string, Round[]>(builds.map((b) => [b.name, []]));
  for (let r = 0; r < options.rounds; r++) {
    const order = r % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) {
      const result = await round(build, options.texts, options.calls, r * 997);
      results.get(build.name)?.push(result);
      console.log(
        `round ${r + 1} ${build.name}: model p50 ${result.modelP50.toFixed(3)} ms · service p50 ${result.serviceP50.toFixed(3)} ms, ` +
          `p99 ${result.serviceP99.toFixed(3)} ms · batch ${BATCH} ${result.batchPerSecond.toFixed(0)} /s · ` +
          `${CALLERS} concurrent callers ${result.concurrentPerSecond.toFixed(0)} /s`,
      );
    }
  }
  const summary = builds.map((b) => {
    const rounds = results.get(b.name) as Round[];
    return {
      name: b.name,
      modelP50: median(rounds.map((x) => x.modelP50)),
      serviceP50: median(rounds.map((x) => x.serviceP50)),
      serviceP99: median(rounds.map((x) => x.serviceP99)),
      batchPerSecond: median(rounds.map((x) => x.batchPerSecond)),
      concurrentPerSecond: median(rounds.map((x) => x.concurrentPerSecond)),
    };
  });
  console.log(
    `\n| build | model call p50 | service p50 | service p99 | batch ${BATCH} | ${CALLERS} concurrent callers |\n|---|---|---|---|---|---|`,
  );
  for (const s of summary) {
    console.log(
      `| ${s.name} | ${s.modelP50.toFixed(3)} ms | ${s.serviceP50.toFixed(3)} ms | ${s.serviceP99.toFixed(3)} ms | ${s.batchPerSecond.toFixed(0)} /s | ${s.concurrentPerSecond.toFixed(0)} /s |`,
    );
  }
  const [now, before] = summary as [(typeof summary)[0], (typeof summary)[0]];
  console.log(
    `ratios (baseline / this build): model p50 ${(before.modelP50 / now.modelP50).toFixed(2)}×, ` +
      `service p50 ${(before.serviceP50 / now.serviceP50).toFixed(2)}×, batch ${(now.batchPerSecond / before.batchPerSecond).toFixed(2)}×, ` +
      `concurrent ${(now.concurrentPerSecond / before.concurrentPerSecond).toFixed(2)}×`,
  );
  for (const build of builds) await build.close();
}
