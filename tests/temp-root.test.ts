import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TEMP_ROOT_ENV } from './helpers/temp-root-setup';

describe('the test run', () => {
  it('makes its temporary folders, and its children theirs, under one folder of its own', () => {
    const root = process.env[TEMP_ROOT_ENV] as string;
    expect(root).toMatch(/hscode-test-run-/);
    const inside = (path: string) => !relative(root, path).startsWith('..');
    expect(inside(join(tmpdir(), 'x'))).toBe(true);
    const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("os").tmpdir())'], {
      encoding: 'utf8',
    });
    expect(inside(join(child, 'x'))).toBe(true);
  });
});
