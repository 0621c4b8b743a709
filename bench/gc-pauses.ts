/**
 * Garbage collection in a serving process: single predictions through the service (validate,
 * route, classify, audit), counting V8's collections by kind with their pauses (perf_hooks GC
 * entries). A pause stops every request in flight, so full collections set the latency tail.
 *
 *   npx tsx bench/gc-pauses.ts --home DIR [--texts-file FILE] [--calls 20000] [--checkout DIR]
 *
 * --checkout measures another checkout of the project (its node_modules a symlink to this one's)
 * on the same model. Two builds must be compared in separate processes, run alternately: they
 * would otherwise share one heap and one allocator.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { modelRefKey } from '../models/model-ref';
import { benchModelRef } from './bench-model';
import { openBuild } from './build-comparison';
import { percentile } from './sample-stats';

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    'texts-file': { type: 'string' },
    calls: { type: 'string', default: '20000' },
    checkout: { type: 'string' },
  },
});

const KINDS: ReadonlyArray<[kind: number, name: string]> = [
  [constants.NODE_PERFORMANCE_GC_MINOR, 'scavenges (young generation)'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'full collections (mark-compact)'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental marking steps'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weak callbacks'],
];

async function main(): Promise<void> {
  const home = values.home ?? process.env.HSCODE_HOME ?? 'var';
  const calls = Number(values.calls);
  const textsFile = values['texts-file'];
  const texts = textsFile
    ? readFileSync(textsFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim())
    : ["men's cotton t-shirt, knitted", 'frozen shrimp, peeled', 'laptop computer 14 inch'];
  const checkout = resolve(values.checkout ?? resolve(__dirname, '..'));
  const ref = await benchModelRef(home);
  const build = await openBuild(checkout, checkout, home, ref);
  const pick = (i: number) => texts[i % texts.length] as string;
  for (let i = 0; i < 2000; i++) await build.single(pick(i));

  const pauses = new Map<number, number[]>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      const kind = entry.detail?.kind ?? -1;
      const ofKind = pauses.get(kind) ?? [];
      ofKind.push(entry.duration);
      pauses.set(kind, ofKind);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const started = performance.now();
  for (let i = 0; i < calls; i++) await build.single(pick(2000 + i));
  const seconds = (performance.now() - started) / 1000;
  // GC entries are delivered asynchronously: let the last ones arrive.
  await new Promise((done) => setTimeout(done, 100));
  observer.disconnect();
  await build.close();

  console.log(`# ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · ${checkout}`);
  console.log(
    `model ${modelRefKey(ref)}; ${calls} single predictions through the service in ${seconds.toFixed(1)} s`,
  );
  console.log('\n| collection | count | per 1,000 predictions | pause p50 ms | p99 ms | max ms |');
  console.log('|---|---|---|---|---|---|');
  for (const [kind, name] of KINDS) {
    const sorted = [...(pauses.get(kind) ?? [])].sort((a, b) => a - b);
    // A kind that never ran pauses for 0 ms.
    const at = (p: number) => (sorted.length === 0 ? 0 : percentile(sorted, p));
    console.log(
      `| ${name} | ${sorted.length} | ${((sorted.length / calls) * 1000).toFixed(2)} | ` +
        `${at(0.5).toFixed(2)} | ${at(0.99).toFixed(2)} | ` +
        `${(sorted.at(-1) ?? 0).toFixed(2)} |`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
