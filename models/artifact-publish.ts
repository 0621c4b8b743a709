import { ARTIFACT_FILES } from './artifact';

/** The artifact's files by name, as training produces them. */
export type ArtifactFiles = Partial<
  Record<(typeof ARTIFACT_FILES)[keyof typeof ARTIFACT_FILES], Uint8Array | string>
>;

/**
 * Where an artifact can be published: any object store (local folder, S3, Cloud Storage, Azure
 * Blob) has this method; `models/` only names the part it needs.
 */
export interface ArtifactTarget {
  put(key: string, body: Uint8Array | string): Promise<unknown>;
}

// Readers load a model through its manifest: written last, it makes a half-published model
// invisible, and a crash part-way leaves only files nothing points at.
const PUBLISH_ORDER = [
  ARTIFACT_FILES.onnx,
  ARTIFACT_FILES.encoder,
  ARTIFACT_FILES.labels,
  ARTIFACT_FILES.lexicalIndex,
  ARTIFACT_FILES.jsonLexicalIndex,
  ARTIFACT_FILES.report,
  ARTIFACT_FILES.manifest,
] as const;

/**
 * Writes an artifact under `prefix` (e.g. `models/<variant>/<version>/`, or "" for a folder of its
 * own), every file before the manifest. The only way models are published, locally and by jobs.
 */
export async function publishArtifact(
  target: ArtifactTarget,
  prefix: string,
  files: ArtifactFiles,
): Promise<void> {
  const manifest = files[ARTIFACT_FILES.manifest];
  if (manifest === undefined) {
    throw new Error('an artifact cannot be published without its manifest.json');
  }
  // A manifest pointing at an index left out of `files` would publish a model no reader can load.
  let index: string | undefined;
  try {
    index = (
      JSON.parse(Buffer.from(manifest).toString('utf8')) as { lexicalIndex?: { file?: string } } | null
    )?.lexicalIndex?.file;
  } catch {
    throw new Error('an artifact cannot be published with a manifest.json that is not JSON');
  }
  if (index !== undefined && !PUBLISH_ORDER.some((name) => name === index && files[name] !== undefined)) {
    throw new Error(`the manifest names ${index}, which is not among the files to publish`);
  }
  for (const name of PUBLISH_ORDER) {
    const body = files[name];
    if (body !== undefined) await target.put(`${prefix}${name}`, body);
  }
}
