import * as ort from 'onnxruntime-node';
import {
  openOnnxSession,
  setUpOnAnotherThread,
  warmUpOnnxRuntime,
  WARM_UP_MODEL,
} from '../../models/onnx-session';

/**
 * Opens one session through openOnnxSession on the one-node warm-up model and runs it, in a
 * fresh process: ONNX Runtime decides about telemetry once per process. With `--warm-up`, its
 * set-up runs first, as a model loader starts it (on another thread); with `--set-up-thread`, on
 * another thread started directly.
 */
async function main(): Promise<void> {
  if (process.argv.includes('--warm-up')) await warmUpOnnxRuntime();
  const thread = process.argv.includes('--set-up-thread') ? setUpOnAnotherThread() : undefined;
  if (thread && !(await thread.done)) throw new Error('the set-up thread failed');
  const session = await openOnnxSession(WARM_UP_MODEL);
  const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(2.5), [1]) });
  process.stdout.write(JSON.stringify({ y: Array.from(y?.data as Float32Array) }));
  await session.release();
  thread?.release();
}

void main();
