import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACT_FILES,
  declaredLexicalIndex,
  verifyArtifact,
  type VerifiedArtifact,
} from '../models/artifact';

/** Reads and verifies an artifact folder (see verifyArtifact). */
export function readArtifactDir(dir: string): VerifiedArtifact {
  const read = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: is "${dir}" a model folder written by "hscode train"?`);
    }
    return readFileSync(path);
  };
  const manifest = read(ARTIFACT_FILES.manifest);
  // The index file the manifest names (binary, or JSON for a model trained before format 3).
  const declared = declaredLexicalIndex(manifest);
  if (declared && 'refusal' in declared)
    throw new Error(`${join(dir, ARTIFACT_FILES.manifest)} ${declared.refusal}`);
  const lexicalIndex = declared && join(dir, declared.file);
  return verifyArtifact({
    manifest,
    onnx: read(ARTIFACT_FILES.onnx),
    encoder: read(ARTIFACT_FILES.encoder),
    labels: read(ARTIFACT_FILES.labels),
    // verifyArtifact refuses a model whose manifest declares the index when it is missing.
    ...(lexicalIndex !== undefined &&
      existsSync(lexicalIndex) && { lexicalIndex: readFileSync(lexicalIndex) }),
  });
}
