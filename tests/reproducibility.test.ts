import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tinyDataset, writeCsv } from './helpers/tiny-dataset';

const root = join(__dirname, '..');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function trainInFreshProcess(data: string, out: string, seed: number): string {
  execFileSync(
    process.execPath,
    [
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
      '--quiet',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HSCODE_HOME: join(out, '..', 'home') },
    },
  );
  return sha256(join(out, 'model.onnx'));
}

describe('reproducible training', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hscode-repro-'));
  const data = join(dir, 'tiny.csv');
  writeCsv(data, tinyDataset(16, 8));

  it('gives the same ONNX sha256 for the same data, seed and code in separate processes', () => {
    const first = trainInFreshProcess(data, join(dir, 'a'), 11);
    const second = trainInFreshProcess(data, join(dir, 'b'), 11);
    expect(second).toBe(first);
    const otherSeed = trainInFreshProcess(data, join(dir, 'c'), 12);
    expect(otherSeed).not.toBe(first);
  });
});
