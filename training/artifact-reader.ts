import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACT_FILES, verifyArtifact, type VerifiedArtifact } from '../models/artifact';

/** Reads and verifies an artifact folder (see verifyArtifact). */
export function readArtifactDir(dir: string): VerifiedArtifact {
  const read = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: is "${dir}" a model folder written by "hscode train"?`);
    }
    return readFileSync(path);
  };
  // The binary index, or the JSON one of a model trained before it.
  const lexicalIndex = [ARTIFACT_FILES.lexicalIndex, ARTIFACT_FILES.jsonLexicalIndex]
    .map((file) => join(dir, file))
    .find((path) => existsSync(path));
  return verifyArtifact({
    manifest: read(ARTIFACT_FILES.manifest),
    onnx: read(ARTIFACT_FILES.onnx),
    encoder: read(ARTIFACT_FILES.encoder),
    labels: read(ARTIFACT_FILES.labels),
    // verifyArtifact refuses a model whose manifest declares the index when it is missing.
    ...(lexicalIndex !== undefined && { lexicalIndex: readFileSync(lexicalIndex) }),
  });
}
