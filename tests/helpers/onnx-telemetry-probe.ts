import * as ort from 'onnxruntime-node';
import { openOnnxSession, WARM_UP_MODEL } from '../../models/onnx-session';

/**
 * Opens one session on the one-node warm-up model and runs it, in a fresh process (ONNX Runtime
 * decides about telemetry once per process): `project` through openOnnxSession, `direct` the way
 * a caller of onnxruntime-node would.
 */
async function main(): Promise<void> {
  const session =
    process.argv[2] === 'project'
      ? await openOnnxSession(WARM_UP_MODEL)
      : // eslint-disable-next-line no-restricted-syntax -- the control: ONNX Runtime left to itself
        await ort.InferenceSession.create(WARM_UP_MODEL);
  const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(2.5), [1]) });
  process.stdout.write(JSON.stringify({ y: Array.from(y?.data as Float32Array) }));
  await session.release();
}

void main();
