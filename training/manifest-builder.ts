import { assertValidManifest, type ModelManifest } from '../models/manifest';
import type { Variant } from '../models/variants';
import type { ArtifactContents } from './artifact-contents';

/** Everything a manifest records that is not derived from the artifact's files. */
export interface ManifestInput {
  variant: Variant;
  contents: ArtifactContents;
  createdAt: string;
  codeVersion: string;
  seed: number;
  data: ModelManifest['data'];
  training: ModelManifest['training'];
  metrics: ModelManifest['metrics'];
  fusion?: ModelManifest['fusion'];
  abstain: ModelManifest['abstain'];
  driftBaseline: ModelManifest['driftBaseline'];
  parentVersion: string | null;
}

/**
 * The one place a manifest is assembled, for training and for anything else that writes an
 * artifact: it takes the version and the file sections from the artifact's contents, so a
 * manifest can never describe other bytes than the ones published beside it, and it is validated
 * against the schema before anyone can write it.
 */
export function buildManifest(input: ManifestInput): ModelManifest {
  const manifest: ModelManifest = {
    schemaVersion: 1,
    variant: input.variant.name,
    version: input.contents.version,
    createdAt: input.createdAt,
    codeVersion: input.codeVersion,
    hsEdition: 'HS2022',
    seed: input.seed,
    data: input.data,
    hyperParameters: input.variant,
    ...input.contents.files,
    training: input.training,
    metrics: input.metrics,
    ...(input.fusion && { fusion: input.fusion }),
    abstain: input.abstain,
    driftBaseline: input.driftBaseline,
    parentVersion: input.parentVersion,
  };
  assertValidManifest(manifest);
  return manifest;
}
