import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { openOnnxSession } from '../../models/onnx-session';

/** The smallest model ONNX Runtime will open: y = Identity(x). */
function identityModel(): Uint8Array {
  const tensor = (name: string) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } },
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'identity',
        node: [{ opType: 'Identity', input: ['x'], output: ['y'] }],
        input: [tensor('x')],
        output: [tensor('y')],
      },
    }),
  ).finish();
}

/**
 * Opens one session and runs it, in a fresh process (ONNX Runtime decides about telemetry once per
 * process): `project` through openOnnxSession, `direct` the way a caller of onnxruntime-node would.
 */
async function main(): Promise<void> {
  const model = identityModel();
  const session =
    process.argv[2] === 'project'
      ? await openOnnxSession(model)
      : // eslint-disable-next-line no-restricted-syntax -- the control: ONNX Runtime left to itself
        await ort.InferenceSession.create(model);
  const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(2.5), [1]) });
  process.stdout.write(JSON.stringify({ y: Array.from(y?.data as Float32Array) }));
  await session.release();
}

void main();
