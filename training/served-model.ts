import type { VerifiedArtifact } from '../models/artifact';
import { DescriptionEncoder } from '../models/encoder';
import { NETWORK_ONLY, fuse, type FusionWeights } from '../models/fusion';
import { LexicalIndex } from '../models/retrieval/lexical-index';
import { OnnxScorer } from './onnx-scorer';

/** Everything that decides what a model answers: the network, and the retrieval fused with it. */
export interface ServedModel {
  onnx: Uint8Array;
  encoder: DescriptionEncoder;
  labels: readonly string[];
  lexical?: LexicalIndex;
  fusion: FusionWeights;
}

/** The served model of a verified artifact, as the runtime builds it (runtime/core/onnx-classifier.ts). */
export function servedModelOf(artifact: VerifiedArtifact): ServedModel {
  const { manifest } = artifact;
  const lexical =
    artifact.lexicalIndex !== undefined
      ? LexicalIndex.fromBytes(artifact.lexicalIndex, artifact.labels.length)
      : undefined;
  return {
    onnx: artifact.onnx,
    encoder: new DescriptionEncoder(artifact.encoder, lexical?.synonymOf),
    labels: artifact.labels,
    ...(lexical && { lexical }),
    fusion: manifest.fusion && lexical ? manifest.fusion : NETWORK_ONLY,
  };
}

/**
 * Calls `visit` with each text's served probabilities and the network's own, in order. The
 * network runs through ONNX Runtime, as it does when served.
 */
export async function forEachServed(
  model: ServedModel,
  texts: readonly string[],
  visit: (served: Float32Array, network: Float32Array, index: number) => void,
): Promise<void> {
  const scorer = await OnnxScorer.load(model.onnx, model.encoder, model.labels.length);
  const served = new Float32Array(model.labels.length);
  try {
    await scorer.forEach(texts, (network, i) => {
      const lexical = model.lexical?.scores(texts[i] as string);
      visit(fuse(network, lexical, model.fusion, served), network, i);
    });
  } finally {
    await scorer.release();
  }
}
