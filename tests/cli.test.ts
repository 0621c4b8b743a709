import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import packageJson from '../package.json';
import { runCli } from './helpers/run-cli';

describe('hscode command line', () => {
  it('lists its commands', () => {
    const { status, stdout } = runCli(['--help']);
    expect(status).toBe(0);
    for (const command of ['data', 'train', 'evaluate', 'serve', 'predict', 'models', 'jobs']) {
      expect(stdout).toContain(command);
    }
  });

  it('refuses an interval its timers cannot hold, saying the range', () => {
    const { status, stderr } = runCli(['serve', '--retrain-every', '1000']);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/--retrain-every.*expected a number of hours from 0 to 596/);
  });

  it('prints the version it was installed as', () => {
    const { status, stdout } = runCli(['--version']);
    expect(status).toBe(0);
    expect(stdout.trim()).toBe(packageJson.version);
  });

  it.each([
    ['data', 'check'],
    ['train'],
    ['evaluate'],
    ['serve'],
    ['predict'],
    ['jobs', 'retrain'],
    ['jobs', 'promote'],
  ])('has --help with examples for %s %s', (...command) => {
    const { status, stdout } = runCli([...command.filter(Boolean), '--help']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Usage: hscode/);
    expect(stdout).toMatch(/Examples?:/);
  });

  it('tells a new user to train first when there is no model to evaluate', () => {
    const home = mkdtempSync(join(tmpdir(), 'hscode-empty-'));
    const { status, stderr } = runCli(['evaluate'], { HSCODE_HOME: home });
    expect(status).toBe(1);
    expect(stderr).toContain('no textcnn model');
    expect(stderr).toContain('npx hscode train');
  });

  it('names the valid choices when a variant is unknown', () => {
    const { status, stderr } = runCli(['train', '--variant', 'transformer']);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/textcnn.*bigru.*dnn/);
  });
});
