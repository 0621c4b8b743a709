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

export interface LoadOptions {
  /**
   * Work to do while the model's files are in flight (for a loader about to serve the model,
   * ONNX Runtime's one-time set-up and the nomenclature its labels are described from): it runs
   * on the main thread, between the store's reads.
   */
  whileReading?: () => Promise<unknown>;
}

/**
 * Reads `models/<variant>/<version>/` from the store and verifies it: every file's sha256 against
 * the manifest (ArtifactIntegrityError otherwise) and the manifest against the place it was read
 * from, so a model copied under the wrong name is not served as something it is not.
 */
export async function loadVerifiedArtifact(
  store: ObjectStore,
  ref: ModelRef,
  options: LoadOptions = {},
): Promise<VerifiedArtifact> {
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
  // The index is read only when the manifest declares it (verifyArtifact refuses a declared file
  // that is missing), beside the other files.
  const declared = declaredLexicalIndex(manifest);
  if (declared && 'refusal' in declared) throw new ModelLoadError(name, `its manifest ${declared.refusal}`);
  const [[onnx, encoder, labels, lexicalIndex]] = await Promise.all([
    Promise.all([
      read(ARTIFACT_FILES.onnx),
      read(ARTIFACT_FILES.encoder),
      read(ARTIFACT_FILES.labels),
      declared ? read(declared.file) : undefined,
    ]),
    // Called a turn later, so that a throw is a rejection here, not reads left unawaited.
    Promise.resolve().then(() => options.whileReading?.()),
  ]);
  const artifact = verifyArtifact({ manifest, onnx, encoder, labels, ...(lexicalIndex && { lexicalIndex }) });
  if (artifact.manifest.variant !== ref.variant || artifact.manifest.version !== ref.version) {
    throw new ModelLoadError(
      name,
      `its manifest describes ${modelRefKey(artifact.manifest)}: the artifact sits under the wrong name`,
    );
  }
  return artifact;
}
