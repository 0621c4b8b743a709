import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import {
  ONNX_TELEMETRY_SWITCH,
  openOnnxSession,
  telemetrySwitch,
  warmUpOnnxRuntime,
  WARM_UP_MODEL,
} from './onnx-session';

const run = promisify(execFile);
const probe = join(__dirname, '..', 'tests', 'helpers', 'onnx-telemetry-probe.ts');

describe('openOnnxSession', () => {
  const homes: string[] = [];
  afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

  // In a fresh process whose home is an empty folder, with nothing in the environment but PATH
  // and HOME: ONNX Runtime also stays quiet when it sees a CI system's variables (CI,
  // GITHUB_ACTIONS, …), which would hide what it does on a user's machine. Without the switch,
  // this ONNX Runtime writes `.cache/Microsoft/DeveloperTools/.onnxruntime/deviceid` there on
  // its first session; there is no test of that, as it would send usage events from the machine
  // running the tests.
  it('opens a working session that leaves no telemetry id or event cache behind', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ort-home-'));
    homes.push(home);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', probe], {
      cwd: join(__dirname, '..'),
      env: { PATH: process.env.PATH ?? '', HOME: home },
    });
    expect((JSON.parse(stdout) as { y: number[] }).y).toEqual([2.5]);
    expect(readdirSync(home)).toEqual([]);
  });

  it('sets the switch in the process before it opens a session, an empty value counting as unset', async () => {
    const before = process.env[ONNX_TELEMETRY_SWITCH];
    process.env[ONNX_TELEMETRY_SWITCH] = '';
    try {
      await (await openOnnxSession(WARM_UP_MODEL)).release();
      expect(process.env[ONNX_TELEMETRY_SWITCH]).toBe('1');
    } finally {
      if (before === undefined) delete process.env[ONNX_TELEMETRY_SWITCH];
      else process.env[ONNX_TELEMETRY_SWITCH] = before;
    }
  });

  it('turns telemetry off unless the process chose a value itself', () => {
    expect(telemetrySwitch({})).toBe('1');
    expect(telemetrySwitch({ [ONNX_TELEMETRY_SWITCH]: '' })).toBe('1');
    expect(telemetrySwitch({ [ONNX_TELEMETRY_SWITCH]: '0' })).toBe('0');
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
