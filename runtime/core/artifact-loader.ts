import {
  ARTIFACT_FILES,
  LEXICAL_INDEX_FILES,
  verifyArtifact,
  type VerifiedArtifact,
} from '../../models/artifact';
import { storeKeys } from '../../models/store-layout';
import type { ObjectStore } from '../store/object-store';
import { ModelLoadError } from './errors';
import { modelRefKey, type ModelRef } from '../../models/model-ref';

/**
 * Reads `models/<variant>/<version>/` from the store and verifies it: every file's sha256 against
 * the manifest (ArtifactIntegrityError otherwise) and the manifest against the place it was read
 * from, so a model copied under the wrong name is not served as something it is not.
 */
export async function loadVerifiedArtifact(store: ObjectStore, ref: ModelRef): Promise<VerifiedArtifact> {
  const name = modelRefKey(ref);
  const read = async (file: string) => {
    const key = storeKeys.modelFile(ref.variant, ref.version, file);
    const found = await store.get(key);
    if (!found) throw new ModelLoadError(name, `${key} is not in the store: was the model published?`);
    return found.body;
  };
  // The manifest first: it is written last, so its absence is the one answer to "was it published?",
  // whichever other file a racing read would have missed first.
  const manifest = await read(ARTIFACT_FILES.manifest);
  const [onnx, encoder, labels] = await Promise.all([
    read(ARTIFACT_FILES.onnx),
    read(ARTIFACT_FILES.encoder),
    read(ARTIFACT_FILES.labels),
  ]);
  // Read only when the manifest declares it; verifyArtifact refuses a declared file that is missing.
  const declared = (
    JSON.parse(Buffer.from(manifest).toString('utf8')) as { lexicalIndex?: { file?: unknown } }
  ).lexicalIndex;
  const lexicalIndex = declared ? await read(lexicalIndexFile(name, declared.file)) : undefined;
  const artifact = verifyArtifact({ manifest, onnx, encoder, labels, ...(lexicalIndex && { lexicalIndex }) });
  if (artifact.manifest.variant !== ref.variant || artifact.manifest.version !== ref.version) {
    throw new ModelLoadError(
      name,
      `its manifest describes ${modelRefKey(artifact.manifest)}: the artifact sits under the wrong name`,
    );
  }
  return artifact;
}

/** The index file a manifest names, if it is one the artifact format has: no other key is read. */
function lexicalIndexFile(name: string, file: unknown): string {
  if (typeof file === 'string' && LEXICAL_INDEX_FILES.includes(file)) return file;
  throw new ModelLoadError(
    name,
    `its manifest names the lexical index ${JSON.stringify(file)}, not one of ${LEXICAL_INDEX_FILES.join(', ')}`,
  );
}
