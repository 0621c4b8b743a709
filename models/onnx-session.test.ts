import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { openOnnxSession, warmUpOnnxRuntime, WARM_UP_MODEL } from './onnx-session';

const run = promisify(execFile);
const probe = join(__dirname, '..', 'tests', 'helpers', 'onnx-telemetry-probe.ts');
/** Where ONNX Runtime keeps its telemetry device id and offline event cache. */
const TELEMETRY_DIR = ['.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime'];

/**
 * A session opened in a fresh process whose home is an empty folder, with nothing in the
 * environment but PATH and HOME: ONNX Runtime also stays quiet when it sees a CI system's
 * variables (CI, GITHUB_ACTIONS, …), which would hide what a user's machine does.
 */
async function openIn(
  how: 'project' | 'direct',
  env: Record<string, string> = {},
): Promise<{ home: string; y: number[] }> {
  const home = mkdtempSync(join(tmpdir(), 'ort-home-'));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', probe, how], {
    cwd: join(__dirname, '..'),
    env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
  });
  return { home, y: (JSON.parse(stdout) as { y: number[] }).y };
}

describe('openOnnxSession', () => {
  const homes: string[] = [];
  afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

  it('opens a working session that leaves no telemetry id or event cache behind', async () => {
    const { home, y } = await openIn('project');
    homes.push(home);
    expect(y).toEqual([2.5]);
    expect(readdirSync(home)).toEqual([]);
  });

  // The control: without the switch, this ONNX Runtime writes its device id on the first
  // session. If a release stops doing so, this fails, and the test above proves nothing more.
  it('is needed: a session opened directly writes a device id into the home folder', async () => {
    const { home, y } = await openIn('direct');
    homes.push(home);
    expect(y).toEqual([2.5]);
    expect(existsSync(join(home, ...TELEMETRY_DIR, 'deviceid'))).toBe(true);
  });

  it("keeps the switch's value when the process set it itself", async () => {
    const { home } = await openIn('project', { ORT_DISABLE_TELEMETRY: '0' });
    homes.push(home);
    expect(existsSync(join(home, ...TELEMETRY_DIR, 'deviceid'))).toBe(true);
  });
});

describe('the warm-up model', () => {
  it('is y = Identity(x), and a session over it answers', async () => {
    const model = onnx.ModelProto.decode(WARM_UP_MODEL);
    expect(model.graph?.node?.map((n) => n.opType)).toEqual(['Identity']);
    const session = await openOnnxSession(WARM_UP_MODEL);
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(7), [1]) });
    expect(Array.from(y?.data as Float32Array)).toEqual([7]);
    await session.release();
  });

  it('is opened once per process, however many loaders ask', async () => {
    const first = warmUpOnnxRuntime();
    expect(warmUpOnnxRuntime()).toBe(first);
    await expect(first).resolves.toBeUndefined();
  });
});
