import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ARTIFACT_FILES, verifyArtifact } from '../models/artifact';
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
  const bytes = {
    manifest: read(ARTIFACT_FILES.manifest),
    onnx: read(ARTIFACT_FILES.onnx),
    encoder: read(ARTIFACT_FILES.encoder),
    labels: read(ARTIFACT_FILES.labels),
  };
  const { manifest } = verifyArtifact(bytes);
  if (manifest.variant !== expectedVariant) {
    throw new Error(
      `model.artifact: ${root} holds a "${manifest.variant}" model but model.variant is "${expectedVariant}": set model.variant to "${manifest.variant}" or point at a ${expectedVariant} artifact`,
    );
  }
  return {
    manifest,
    files: PUBLISHED.map(([name, contentType]) => ({
      file: ARTIFACT_FILES[name],
      path: join(root, ARTIFACT_FILES[name]),
      contentType,
    })),
  };
}
