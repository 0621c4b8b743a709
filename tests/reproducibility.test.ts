import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tinyDataset, writeCsv } from './helpers/tiny-dataset';

const root = join(__dirname, '..');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
// Pinning both processes to one core makes the busy loop take half of the training's CPU.
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));

function pinned(command: string, args: string[]): [string, string[]] {
  return TASKSET ? [TASKSET, ['-c', '0', command, ...args]] : [command, args];
}

function trainInFreshProcess(
  data: string,
  out: string,
  seed: number,
  threads: number,
): { onnx: string; index: string; log: string } {
  const [command, args] = pinned(process.execPath, [
    join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    join(root, 'cli', 'main.ts'),
    'train',
    '--data',
    data,
    '--out',
    out,
    '--seed',
    String(seed),
    '--epochs',
    '2',
    '--threads',
    String(threads),
    '--quiet',
  ]);
  const log = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, HSCODE_HOME: join(out, '..', 'home') },
  });
  if (log.status !== 0) throw new Error(`training failed: ${log.stderr}`);
  return {
    onnx: sha256(join(out, 'model.onnx')),
    index: sha256(join(out, 'lexical-index.bin')),
    log: log.stderr,
  };
}

/** A process that does nothing but spin, on the same core as the training beside it. */
function busyLoop(): ChildProcess {
  const [command, args] = pinned(process.execPath, ['-e', 'for (;;) {}']);
  return spawn(command, args, { stdio: 'ignore' });
}

describe('reproducible training', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hscode-repro-'));
  const data = join(dir, 'tiny.csv');
  writeCsv(data, tinyDataset(16, 8));

  it('gives the same ONNX and index sha256 in separate processes, one on one thread and one on two sharing its core with a busy loop', () => {
    const first = trainInFreshProcess(data, join(dir, 'a'), 11, 1);
    const spinner = busyLoop();
    let loaded: ReturnType<typeof trainInFreshProcess>;
    try {
      loaded = trainInFreshProcess(data, join(dir, 'b'), 11, 2);
    } finally {
      spinner.kill('SIGKILL');
    }
    expect(first.log).toContain('trained on 1 thread\n');
    expect(loaded.log).toContain('trained on 2 threads');
    expect({ onnx: loaded.onnx, index: loaded.index }).toEqual({ onnx: first.onnx, index: first.index });
    const otherSeed = trainInFreshProcess(data, join(dir, 'c'), 12, 2);
    expect(otherSeed.onnx).not.toBe(first.onnx);
  });

  it('records a fixed amount of work, not a time budget, by default', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'b', 'manifest.json'), 'utf8'));
    expect(manifest.hyperParameters.training.timeBudgetSeconds).toBe(0);
    expect(manifest.training.stoppedBy).not.toBe('time-budget');
  });
});
