import * as ort from 'onnxruntime-node';

/**
 * ONNX Runtime's own switch for its usage telemetry. Since 1.29 its Linux and macOS builds
 * send usage events to Microsoft, and keep a device id and an offline event cache under
 * `~/.cache/Microsoft/DeveloperTools/.onnxruntime/`, unless this is set when its environment
 * is created (the first session of a process).
 */
export const ONNX_TELEMETRY_SWITCH = 'ORT_DISABLE_TELEMETRY';

/**
 * Every ONNX Runtime session of this project is opened here, so that none sends telemetry: a
 * model server at a customs broker must not call out to a third party, nor leave an identifier
 * on the disk. A process that sets the switch itself keeps its own value.
 */
export function openOnnxSession(
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  process.env[ONNX_TELEMETRY_SWITCH] ??= '1';
  return ort.InferenceSession.create(model, options);
}
