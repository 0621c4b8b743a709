import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectFile, projectRoot } from '../models/paths';

// npm's install-script policy for onnxruntime-node lives in package.json's `allowScripts`: its
// postinstall would fetch the CUDA provider from NuGet, which neither CI nor a CPU-only function
// needs (and which fails on a machine that reaches only the npm registry).
const ORT_BIN = join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch);

const npm = (args: string[], cwd: string) =>
  spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

describe('installing the project', () => {
  it('installs onnxruntime-node under the project policy, without warnings and without the CUDA download', () => {
    const project = JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as {
      allowScripts: Record<string, boolean>;
      dependencies: Record<string, string>;
    };
    const dir = mkdtempSync(join(tmpdir(), 'hscode-install-'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'install-check',
        private: true,
        allowScripts: project.allowScripts,
        dependencies: { 'onnxruntime-node': project.dependencies['onnxruntime-node'] },
      }),
    );
    const result = npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
    expect(result.stderr).not.toMatch(/npm (warn|error)/i);
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, ORT_BIN, 'onnxruntime_binding.node'))).toBe(true);
    expect(existsSync(join(dir, ORT_BIN, 'libonnxruntime_providers_cuda.so'))).toBe(false);
  }, 120_000);

  it('runs npm in the project without warnings about its own configuration', () => {
    const result = npm(['pkg', 'get', 'name'], projectRoot());
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/unknown (project|env|user) config/i);
    expect(result.stderr).not.toMatch(/npm warn/i);
  });
});
