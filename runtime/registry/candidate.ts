import { loadVerifiedArtifact } from '../core/artifact-loader';
import type { ModelRef } from '../core/router';
import type { ObjectStore } from '../store/object-store';

/** What the history keeps about a model it makes a decision on: which bytes, how good, made from what. */
export interface CandidateDetails {
  [key: string]: unknown;
  /** The model's identity: verify checks that the store still holds these bytes. */
  onnxSha256: string;
  createdAt: string;
  metrics: unknown;
  lineage: { parentVersion: string | null; dataSha256: string; codeVersion: string };
}

/** Loads and verifies the artifact from the store (throws when it is missing or does not verify). */
export async function describeCandidate(store: ObjectStore, ref: ModelRef): Promise<CandidateDetails> {
  const { manifest } = await loadVerifiedArtifact(store, ref);
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
    return { artifactError: err instanceof Error ? err.message : String(err) };
  }
}
