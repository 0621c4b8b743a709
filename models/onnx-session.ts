import * as ort from 'onnxruntime-node';

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
export function openOnnxSession(
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  process.env[ONNX_TELEMETRY_SWITCH] = telemetrySwitch(process.env);
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
 * Runs ONNX Runtime's one-time set-up (its environment, thread pools and kernel registry: some
 * 40 ms of the main thread here, before any model is opened) on the warm-up model, once per
 * process. A loader calls it while a model's files are still being read, so the set-up overlaps
 * the reads instead of following them. Never rejects: the real session reports any problem.
 */
export function warmUpOnnxRuntime(): Promise<void> {
  warmedUp ??= openOnnxSession(WARM_UP_MODEL)
    .then((session) => session.release())
    .catch(() => undefined);
  return warmedUp;
}
