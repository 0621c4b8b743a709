import { ARTIFACT_FILES } from '../../models/artifact';
import { storeKeys } from '../../models/store-layout';
import { loadApprovedArtifact } from '../core/model-approval';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import type { ObjectStore } from '../store/object-store';
import type { RegistryState } from './registry-state';
import { errorMessage } from '../core/errors';

/** What the history keeps about a model it makes a decision on: which bytes, how good, made from what. */
export interface CandidateDetails {
  [key: string]: unknown;
  /** The model's identity: verify checks that the store still holds these bytes. */
  onnxSha256: string;
  createdAt: string;
  metrics: unknown;
  lineage: { parentVersion: string | null; dataSha256: string; codeVersion: string };
}

/**
 * Loads and verifies the artifact from the store: its files against its manifest, and the ONNX
 * against what the registry already approved for it (throws when it is missing or does not verify).
 */
export async function describeCandidate(store: ObjectStore, ref: ModelRef): Promise<CandidateDetails> {
  const { manifest } = await loadApprovedArtifact(store, ref, { unpinned: 'allow' });
  return {
    onnxSha256: manifest.onnx.sha256,
    createdAt: manifest.createdAt,
    metrics: manifest.metrics,
    lineage: {
      parentVersion: manifest.parentVersion,
      dataSha256: manifest.data.sha256,
      codeVersion: manifest.codeVersion,
    },
  };
}

/** As describeCandidate, but a broken artifact is described by its error instead of thrown. */
export async function tryDescribeCandidate(
  store: ObjectStore,
  ref: ModelRef,
): Promise<CandidateDetails | { artifactError: string }> {
  try {
    return await describeCandidate(store, ref);
  } catch (err) {
    return { artifactError: errorMessage(err) };
  }
}

export const modelsOf = (state: RegistryState): ModelRef[] => [
  state.champion,
  ...state.challengers,
  ...state.shadows,
  ...(state.fallback ? [state.fallback] : []),
];

/**
 * The ONNX sha256 of each routed model (see HistoryEntry.artifacts): what the previous entry
 * pinned, carried forward, so a model's approved bytes never change after it entered the registry
 * (a manifest rewritten later cannot re-pin itself); a model new to the state is pinned from its
 * manifest (the registration itself verified its files). Manifests only, not the ONNX: cheap
 * enough for every decision. A model whose manifest cannot be read is left out rather than
 * blocking the decision; verify reports it, and it is never loaded without a pin.
 */
export async function pinArtifacts(
  store: ObjectStore,
  state: RegistryState,
  previous: Record<string, string> = {},
): Promise<Record<string, string>> {
  const pins: Record<string, string> = {};
  for (const ref of modelsOf(state)) {
    const key = modelRefKey(ref);
    const carried = previous[key];
    if (carried) {
      pins[key] = carried;
      continue;
    }
    const object = await store.get(storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.manifest));
    if (!object) continue;
    try {
      const sha = (JSON.parse(Buffer.from(object.body).toString('utf8')) as { onnx?: { sha256?: unknown } })
        .onnx?.sha256;
      if (typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha)) pins[key] = sha;
    } catch {
      // Unreadable manifest: not pinned, and verify names the artifact.
    }
  }
  return pins;
}
