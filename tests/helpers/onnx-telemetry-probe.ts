import * as ort from 'onnxruntime-node';
import { openOnnxSession, WARM_UP_MODEL } from '../../models/onnx-session';

/**
 * Opens one session through openOnnxSession on the one-node warm-up model and runs it, in a
 * fresh process: ONNX Runtime decides about telemetry once per process.
 */
async function main(): Promise<void> {
  const session = await openOnnxSession(WARM_UP_MODEL);
  const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(2.5), [1]) });
  process.stdout.write(JSON.stringify({ y: Array.from(y?.data as Float32Array) }));
  await session.release();
}

void main();
