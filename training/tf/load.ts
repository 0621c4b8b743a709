import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type Tf = typeof tf;
export type BackendPreference = 'auto' | 'wasm' | 'cpu';

export interface LoadedTensorflow {
  tf: Tf;
  /** The active backend: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  backend: string;
}

/** An optional dependency that cannot install everywhere, so it is named through a variable. */
const NODE_BINDING = '@tensorflow/tfjs-node';
const WASM_BINARY = 'tfjs-backend-wasm-simd.wasm';

let wasmSetup: Promise<void> | undefined;

async function loadNodeBinding(): Promise<Tf | undefined> {
  try {
    return (await import(NODE_BINDING)) as Tf;
  } catch {
    return undefined;
  }
}

/**
 * Where the wasm binaries are: `tfjs-wasm/` beside a function bundle's entry file, otherwise the
 * wasm package's `dist/` folder, found by module resolution so neither cwd nor our location matters.
 */
function wasmBinaryFolder(): string {
  const bundled = path.join(__dirname, 'tfjs-wasm');
  const folder = existsSync(path.join(bundled, WASM_BINARY))
    ? bundled
    : path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  if (!existsSync(path.join(folder, WASM_BINARY))) {
    throw new Error(`${WASM_BINARY} is missing next to @tensorflow/tfjs-backend-wasm (${folder})`);
  }
  return folder + path.sep;
}

/**
 * Our training kernels registered, one thread (XNNPACK's thread pool would make float sums
 * depend on scheduling), binaries located by resolution. Done once per process.
 */
function setUpWasm(): Promise<void> {
  wasmSetup ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const { registerWasmTrainingKernels } = await import('./kernels/register');
    registerWasmTrainingKernels();
    wasm.setThreadsCount(1);
    wasm.setWasmPaths(wasmBinaryFolder());
  })();
  return wasmSetup;
}

async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to initialise`);
  await tf.ready();
}

/** The CPU backend greets its first tensor with advice to install tfjs-node; that tensor is ours. */
function consumeCpuBanner(): void {
  const prod = tf.env().getBool('PROD');
  tf.env().set('PROD', true);
  tf.tensor1d([0]).dispose();
  tf.env().set('PROD', prod);
}

/**
 * TensorFlow.js with the fastest backend this machine has: tfjs-node when it is installed
 * ('auto' only), otherwise the wasm backend with our training kernels, single-threaded so
 * that runs are bit-reproducible. 'cpu' is the stock JavaScript backend, for comparisons.
 */
export async function loadTensorflow(
  options: { prefer?: BackendPreference } = {},
): Promise<LoadedTensorflow> {
  const prefer = options.prefer ?? 'auto';
  if (prefer === 'auto') {
    const node = await loadNodeBinding();
    if (node) {
      await node.setBackend('tensorflow');
      await node.ready();
      return { tf: node, backend: node.getBackend() };
    }
  }
  if (prefer === 'cpu') {
    await activate('cpu');
    consumeCpuBanner();
  } else {
    await setUpWasm();
    await activate('wasm');
  }
  return { tf, backend: tf.getBackend() };
}
