import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ARTIFACT_FILES, declaredLexicalIndex, verifyArtifact } from '../models/artifact';
import type { ModelManifest } from '../models/manifest';

/** One file of a model artifact folder, as it will be published. */
export interface ArtifactFile {
  file: string;
  path: string;
  contentType: string;
}

export interface LocalArtifact {
  manifest: ModelManifest;
  files: ArtifactFile[];
}

const PUBLISHED: Array<[keyof typeof ARTIFACT_FILES, string]> = [
  ['manifest', 'application/json'],
  ['onnx', 'application/octet-stream'],
  ['encoder', 'application/json'],
  ['labels', 'application/json'],
];

/**
 * Reads a local artifact folder ("hscode train" wrote it) and checks every file against its
 * manifest before anything is published: a model whose bytes do not match is never uploaded.
 */
export function loadModelArtifact(dir: string, expectedVariant: string): LocalArtifact {
  const root = resolve(dir);
  const read = (file: string) => {
    try {
      return readFileSync(join(root, file));
    } catch {
      throw new Error(
        `model.artifact: ${join(root, file)} is missing: point model.artifact at a folder "hscode train" wrote`,
      );
    }
  };
  const manifestBytes = read(ARTIFACT_FILES.manifest);
  // The retrieval index the model is served with: published with it, verified like the rest.
  const declared = declaredLexicalIndex(manifestBytes);
  if (declared && 'refusal' in declared) {
    throw new Error(
      `model.artifact: the manifest ${declared.refusal}: point model.artifact at a folder "hscode train" wrote`,
    );
  }
  const indexFile = declared?.file;
  const bytes = {
    manifest: manifestBytes,
    onnx: read(ARTIFACT_FILES.onnx),
    encoder: read(ARTIFACT_FILES.encoder),
    labels: read(ARTIFACT_FILES.labels),
    ...(indexFile !== undefined && { lexicalIndex: read(indexFile) }),
  };
  const { manifest } = verifyArtifact(bytes);
  if (manifest.variant !== expectedVariant) {
    throw new Error(
      `model.artifact: ${root} holds a "${manifest.variant}" model but model.variant is "${expectedVariant}": set model.variant to "${manifest.variant}" or point at a ${expectedVariant} artifact`,
    );
  }
  const files: ArtifactFile[] = PUBLISHED.map(([name, contentType]) => ({
    file: ARTIFACT_FILES[name],
    path: join(root, ARTIFACT_FILES[name]),
    contentType,
  }));
  if (indexFile !== undefined) {
    const contentType = indexFile.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    files.push({ file: indexFile, path: join(root, indexFile), contentType });
  }
  return { manifest, files };
}
