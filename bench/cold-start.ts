/**
 * Cold start: from spawning a fresh `node dist/cli/main.js serve` process to the first answered
 * prediction, over the compiled build (what a function runs), with the model already in the store.
 * Also reports the two halves: process start to "listening" and the first request itself.
 *
 *   npm run build && npx tsx bench/cold-start.ts [--home DIR] [--runs 7] [--workers N] [--baseline CHECKOUT]
 *
 * Without --home it uses $HSCODE_HOME (default ./var), which needs a trained model. --baseline
 * names another built checkout of this project (e.g. `git worktree add ../baseline <commit>`, then
 * `npm run build` there); runs alternate between the two, so both see the same machine, and the
 * ratio of their medians is printed. --baseline-home gives the baseline a store of its own (a
 * model in a format only this checkout reads, against the same model as the baseline stores it).
 * --workers passes `serve --workers N` (default: serve's own, one per core); `--workers 1` is one
 * process, which is what a cloud function starts.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { median } from './sample-stats';

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    runs: { type: 'string', default: '7' },
    baseline: { type: 'string' },
    'baseline-home': { type: 'string' },
    workers: { type: 'string' },
  },
});
const home = resolve(values.home ?? process.env.HSCODE_HOME ?? 'var');
const entryOf = (checkout: string) => join(checkout, 'dist', 'cli', 'main.js');

interface ColdStart {
  listening: number;
  firstPrediction: number;
  /** CPU time (user + system) the server process had used by its first answer; NaN off Linux. */
  cpuMs: number;
}

/**
 * A process's CPU time from /proc/<pid>/stat (utime + stime, in clock ticks of 10 ms). On a
 * machine shared with other work, wall time mostly measures the others; CPU time does not.
 */
function cpuTimeMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function once(entry: string, store = home): Promise<ColdStart> {
  const started = performance.now();
  const workers = values.workers ? ['--workers', values.workers] : [];
  const child = spawn(process.execPath, [entry, 'serve', '--port', '0', '--no-train', ...workers], {
    env: { ...process.env, HSCODE_HOME: store },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    child.on('exit', (code) => {
      if (code !== null && code !== 0) reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      const url = /(http:\/\/\S+)/.exec(chunk.toString())?.[1];
      if (!url) return;
      const listening = performance.now() - started;
      void fetch(new URL('/v1/predict', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ descriptions: ["men's cotton knitted t-shirt"] }),
      })
        .then(async (response) => {
          if (response.status !== 200)
            throw new Error(`predict answered ${response.status}: ${await response.text()}`);
          const firstPrediction = performance.now() - started;
          const cpuMs = cpuTimeMs(child.pid);
          child.kill('SIGKILL');
          resolvePromise({ listening, firstPrediction, cpuMs });
        })
        .catch((err: unknown) => {
          child.kill('SIGKILL');
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
  });
}

function report(label: string, runs: readonly ColdStart[]): number {
  const listening = runs.map((r) => r.listening);
  const first = runs.map((r) => r.firstPrediction);
  const range = (xs: number[]) =>
    `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
  console.log(`${label} process start → listening:        ${range(listening)}`);
  console.log(`${label} process start → first prediction: ${range(first)}`);
  console.log(`${label} CPU time to first prediction:     ${range(runs.map((r) => r.cpuMs))}`);
  return median(first);
}

async function main(): Promise<void> {
  console.log(
    `# ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · ${new Date().toISOString().slice(0, 10)}`,
  );
  const checkouts = [
    { label: 'this checkout', entry: entryOf(join(__dirname, '..')), home, runs: [] as ColdStart[] },
  ];
  if (values.baseline) {
    const baselineHome = resolve(values['baseline-home'] ?? home);
    checkouts.push({
      label: 'baseline',
      entry: entryOf(resolve(values.baseline)),
      home: baselineHome,
      runs: [],
    });
  }
  for (const checkout of checkouts) await once(checkout.entry, checkout.home); // warms the file cache, as a function's image would be
  for (let i = 0; i < Number(values.runs); i++) {
    // Each checkout goes first in every other round, so neither always meets a warmer machine.
    const order = i % 2 === 0 ? checkouts : [...checkouts].reverse();
    for (const checkout of order) checkout.runs.push(await once(checkout.entry, checkout.home));
  }
  const medians = checkouts.map(({ label, runs }) => report(label.padEnd(13), runs));
  if (medians.length === 2) {
    console.log(
      `first prediction, baseline / this checkout: ${((medians[1] as number) / (medians[0] as number)).toFixed(2)}×`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
