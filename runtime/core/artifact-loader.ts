import {
  ARTIFACT_FILES,
  declaredLexicalIndex,
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
  const declared = declaredLexicalIndex(manifest);
  if (declared && 'refusal' in declared) throw new ModelLoadError(name, `its manifest ${declared.refusal}`);
  const lexicalIndex = declared ? await read(declared.file) : undefined;
  const artifact = verifyArtifact({ manifest, onnx, encoder, labels, ...(lexicalIndex && { lexicalIndex }) });
  if (artifact.manifest.variant !== ref.variant || artifact.manifest.version !== ref.version) {
    throw new ModelLoadError(
      name,
      `its manifest describes ${modelRefKey(artifact.manifest)}: the artifact sits under the wrong name`,
    );
  }
  return artifact;
}
