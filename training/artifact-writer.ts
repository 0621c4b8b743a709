import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ARTIFACT_FILES, verifyArtifact, type VerifiedArtifact } from '../models/artifact';

export type ArtifactContents = Record<
  (typeof ARTIFACT_FILES)[keyof typeof ARTIFACT_FILES],
  string | Uint8Array
>;

/**
 * Writes the artifact into a hidden sibling folder and renames it into place, so a reader never
 * sees half an artifact. Versions are content-addressed: when the folder already exists it holds
 * the same model, and only its manifest and report (which carry run times) are refreshed.
 */
export function writeArtifactDir(target: string, files: Partial<ArtifactContents>): void {
  mkdirSync(dirname(target), { recursive: true });
  const staging = join(dirname(target), `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(join(staging, name), data);
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Reads and verifies an artifact folder (see verifyArtifact). */
export function readArtifactDir(dir: string): VerifiedArtifact {
  const read = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: is "${dir}" a model folder written by "hscode train"?`);
    }
    return readFileSync(path);
  };
  return verifyArtifact({
    manifest: read(ARTIFACT_FILES.manifest),
    onnx: read(ARTIFACT_FILES.onnx),
    encoder: read(ARTIFACT_FILES.encoder),
    labels: read(ARTIFACT_FILES.labels),
  });
}
