import * as ort from 'onnxruntime-node';
import { openOnnxSession } from '../../models/onnx-session';

export interface SessionOptions {
  /** Threads for one inference; 1 suits single-vCPU functions and many concurrent instances. */
  intraOpThreads: number;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/**
 * One ONNX Runtime session per model file and thread setting in the process: a model registered
 * under two names, or reloaded after a registry change, reuses the session (and its warm-up)
 * instead of holding the weights twice. Keyed by the file's sha256, which the caller has verified.
 */
export function sharedSession(
  modelSha256: string,
  onnx: Uint8Array,
  options: SessionOptions,
  warmUp: (session: ort.InferenceSession) => Promise<void>,
): Promise<ort.InferenceSession> {
  const key = `${modelSha256}/${options.intraOpThreads}`;
  let session = sessions.get(key);
  if (!session) {
    session = (async () => {
      const created = await openOnnxSession(onnx, {
        intraOpNumThreads: options.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      await warmUp(created);
      return created;
    })();
    sessions.set(key, session);
    // A failed load is not cached: the next request may find the problem fixed.
    session.catch(() => sessions.delete(key));
  }
  return session;
}

export function cachedSessionCount(): number {
  return sessions.size;
}

/** Frees every cached session (process shutdown, tests). */
export async function releaseSharedSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map(async (session) => (await session.catch(() => undefined))?.release()));
}
