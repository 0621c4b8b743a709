import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectFile } from '../../models/paths';
import { buildBundle } from '../../scripts/bundle/build-bundle';
import { bundleTarget } from '../../scripts/bundle/targets';

const run = promisify(execFile);

describe('npm run bundle', () => {
  it('gives byte-identical zips on a rebuild in another time zone, umask and working folder', async () => {
    const here = await buildBundle(
      bundleTarget('azure', 'predict', 'x64'),
      mkdtempSync(join(tmpdir(), 'hscode-b1-')),
    );
    const elsewhere = mkdtempSync(join(tmpdir(), 'hscode-b2-'));
    const { stdout } = await run(
      'sh',
      [
        '-c',
        `umask 077 && "${process.execPath}" "${projectFile('node_modules/tsx/dist/cli.mjs')}" "${projectFile('scripts/bundle.ts')}" --cloud azure --role predict --out "${elsewhere}"`,
      ],
      { cwd: tmpdir(), env: { ...process.env, TZ: 'Pacific/Kiritimati' } },
    );
    // What the command prints is what it wrote.
    expect(stdout).toContain(`sha256 ${here.sha256}`);
    const index = JSON.parse(readFileSync(join(elsewhere, 'azure-predict-x64.json'), 'utf8'));
    expect(index).toEqual(here);
  }, 180_000);
});
