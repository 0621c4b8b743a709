import { TestEnvironment } from 'jest-environment-node';

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

/**
 * onnxruntime-node's addon builds its output arrays in Node's own realm, while Jest runs each
 * test file in a separate realm with its own Float32Array, so onnxruntime-common's `instanceof`
 * check rejects every output tensor. Giving the test realm Node's typed-array constructors makes
 * both sides agree. jest.config.js makes it the environment of every test file.
 */
export default class OnnxRuntimeTestEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const testGlobal = this.global as unknown as Record<string, unknown>;
    for (const name of TYPED_ARRAYS) testGlobal[name] = globalThis[name];
  }
}
