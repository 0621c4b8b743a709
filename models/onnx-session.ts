import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * ONNX Runtime's own switch for its usage telemetry. Since 1.29 its Linux and macOS builds
 * send usage events to Microsoft, and keep a device id and an offline event cache under
 * `~/.cache/Microsoft/DeveloperTools/.onnxruntime/`, unless this is set when its environment
 * is created (the first session of a process).
 */
export const ONNX_TELEMETRY_SWITCH = 'ORT_DISABLE_TELEMETRY';

/** The switch's value in an environment: the one the process set, if any (not empty), else off. */
export function telemetrySwitch(env: NodeJS.ProcessEnv): string {
  return env[ONNX_TELEMETRY_SWITCH] || '1';
}

/**
 * Every ONNX Runtime session of this project is opened here, so that none sends telemetry: a
 * model server at a customs broker must not call out to a third party, nor leave an identifier
 * on the disk.
 */
export async function openOnnxSession(
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  process.env[ONNX_TELEMETRY_SWITCH] = telemetrySwitch(process.env);
  // A set-up under way on another thread would hold ONNX Runtime's lock on this one.
  await warmedUp;
  return ort.InferenceSession.create(model, options);
}

/**
 * y = Identity(x) over one float (ir 8, opset 17): the smallest model ONNX Runtime will open.
 * Written out so that warming up loads no protobuf library; a test decodes it.
 */
export const WARM_UP_MODEL = Buffer.from(
  'CAg6PQoQCgF4EgF5IghJZGVudGl0eRIHd2FybS11cFoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEBE=',
  'base64',
);

let warmedUp: Promise<void> | undefined;

/**
 * The thread that runs the set-up: ONNX Runtime's environment is one per process, shared by
 * every thread, so a session opened here afterwards finds it made. The thread then waits to be
 * released, because that environment is torn down when the last thread holding it ends.
 */
const SET_UP_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.runtime)
  .InferenceSession.create(workerData.model)
  .then((session) => session.release())
  .then(() => parentPort.postMessage('ready'), (err) => parentPort.postMessage(String(err)));
parentPort.once('message', () => parentPort.close());
`;

export interface SetUpThread {
  /** Resolves when the set-up is done on that thread (true), or has failed there (false). */
  done: Promise<boolean>;
  /** Lets the thread end; call it once this thread has a session of its own. */
  release: () => void;
  /** Resolves with the thread's exit code when it has ended. */
  ended: Promise<number>;
}

/** Runs the set-up on a thread of its own (exported for tests: a process needs it once). */
export function setUpOnAnotherThread(runtime = require.resolve('onnxruntime-node')): SetUpThread {
  // The environment that thread makes is this process's: it reads the process's switch.
  process.env[ONNX_TELEMETRY_SWITCH] = telemetrySwitch(process.env);
  const thread = new Worker(SET_UP_THREAD, { eval: true, workerData: { runtime, model: WARM_UP_MODEL } });
  // Never what keeps a process alive; the main thread releases it once it has its own session.
  thread.unref();
  const ended = new Promise<number>((resolve) => thread.once('exit', resolve));
  const done = new Promise<boolean>((resolve) => {
    thread.once('message', (message) => resolve(message === 'ready'));
    thread.once('error', () => resolve(false));
    void ended.then(() => resolve(false));
  });
  return { done, release: () => thread.postMessage('release'), ended };
}

/**
 * Starts ONNX Runtime's one-time set-up (its environment, thread pools and kernel registry: some
 * 60 ms of a cold start here, before any model is opened), once per process, on another thread:
 * a loader calls it before it reads, hashes and indexes a model, so the set-up runs on a second
 * core meanwhile. With one core, another thread would only add its own start-up (some 50 ms of
 * CPU), so the set-up runs on this thread. Every session opened after the call waits for it.
 * Never rejects: where a thread cannot be started, the set-up runs on this one, and the real
 * session reports any problem.
 */
export function warmUpOnnxRuntime(cores = availableParallelism()): Promise<void> {
  if (warmedUp) return warmedUp;
  process.env[ONNX_TELEMETRY_SWITCH] = telemetrySwitch(process.env);
  let other: SetUpThread | undefined;
  try {
    other = cores > 1 ? setUpOnAnotherThread() : undefined;
  } catch {
    other = undefined;
  }
  warmedUp = (other?.done ?? Promise.resolve())
    // This thread's own first session: quick once the environment exists, and it holds the
    // environment before the other thread lets go.
    .then(() => ort.InferenceSession.create(WARM_UP_MODEL))
    .then((session) => session.release())
    .catch(() => undefined)
    .finally(() => other?.release());
  return warmedUp;
}
