import { ARTIFACT_FILES } from '../models/artifact';
import { bundleObjectKey, OBJECT_KINDS, OBJECT_METADATA, type BundleRole } from '../models/deployment';
import { pendingKey, type PendingRegistration } from '../models/pending-registration';
import { storeKeys } from '../models/store-layout';
import type { Bundle } from './bundles';
import type { ModelConfig } from './config';
import type { LocalArtifact } from './model-artifact';
import type { PinnedModel } from './spec';

/**
 * What the deployment writes into the store, decided once for every cloud: the model's files,
 * the registry's first state and the registration requests the jobs function applies.
 *
 * - `content-addressed`: the key names the content, so it never needs updating; kept when the
 *   stack moves on to another model (the registry may still route to it).
 * - `create-only`: written on the first `up` and never again: later `up`s ignore every change and
 *   `destroy` leaves it, because from then on the registry's own conditional writes own it.
 */
export type ObjectLifecycle = 'content-addressed' | 'create-only';

export interface StoreObject {
  /** Stable logical name (unique in the stack): the resource's name is built from it. */
  name: string;
  key: string;
  source: { path: string } | { text: string };
  contentType: string;
  metadata: Record<string, string>;
  lifecycle: ObjectLifecycle;
  /**
   * Names of objects written before this one: a manifest after its model's files and the
   * registry after the manifest, so no reader meets a manifest whose files are not there yet
   * (the order `publishArtifact` keeps on one machine).
   */
  after?: string[];
}

/** A function bundle as published: `functions/<sha256>.zip`. */
export interface CodeObject {
  bundle: Bundle;
  key: string;
  metadata: Record<string, string>;
}

export const codeObject = (bundle: Bundle): CodeObject => ({
  bundle,
  key: bundleObjectKey(bundle.sha256),
  metadata: { [OBJECT_METADATA.kind]: OBJECT_KINDS.bundle, [OBJECT_METADATA.bundleSha256]: bundle.sha256 },
});

export const codeObjects = (bundles: Record<BundleRole, Bundle>): Record<BundleRole, CodeObject> => ({
  predict: codeObject(bundles.predict),
  retrain: codeObject(bundles.retrain),
});

/** The model's files under `models/<variant>/<version>/`; the manifest carries the lineage metadata. */
export function modelObjects(artifact: LocalArtifact): StoreObject[] {
  const { manifest } = artifact;
  const lineage = {
    [OBJECT_METADATA.modelVariant]: manifest.variant,
    [OBJECT_METADATA.modelVersion]: manifest.version,
    [OBJECT_METADATA.modelSha256]: manifest.onnx.sha256,
  };
  const objects: StoreObject[] = artifact.files.map((file) => ({
    name: `model-${manifest.version}-${file.file.replace(/\.[a-z]+$/, '')}`,
    key: storeKeys.modelFile(manifest.variant, manifest.version, file.file),
    source: { path: file.path },
    contentType: file.contentType,
    metadata:
      file.file !== ARTIFACT_FILES.manifest
        ? lineage
        : {
            [OBJECT_METADATA.kind]: OBJECT_KINDS.manifest,
            ...lineage,
            [OBJECT_METADATA.dataSha256]: manifest.data.sha256,
            [OBJECT_METADATA.seed]: String(manifest.seed),
            [OBJECT_METADATA.codeVersion]: manifest.codeVersion,
            [OBJECT_METADATA.stoppedBy]: manifest.training.stoppedBy,
          },
    lifecycle: 'content-addressed',
  }));
  const isManifest = (o: StoreObject) => o.key.endsWith(`/${ARTIFACT_FILES.manifest}`);
  const files = objects.filter((o) => !isManifest(o));
  return [...files, ...objects.filter(isManifest).map((o) => ({ ...o, after: files.map((f) => f.name) }))];
}

/**
 * Creates the objects in list order, each depending on the resources of the objects its `after`
 * names (which must come earlier in the list).
 */
export function createInOrder<R>(
  objects: readonly StoreObject[],
  create: (object: StoreObject, after: R[]) => R,
): R[] {
  const created = new Map<string, R>();
  return objects.map((object) => {
    const after = (object.after ?? []).map((name) => {
      const resource = created.get(name);
      if (resource === undefined)
        throw new Error(`store object ${object.name} must follow ${name}, which is not before it`);
      return resource;
    });
    const resource = create(object, after);
    created.set(object.name, resource);
    return resource;
  });
}

/** The registry's first state (a seed: the deployed model is champion), the bytes the runtime's ensureChampion writes before the first decision anchors it as the history's seq 1. */
export function registrySeed(model: PinnedModel): StoreObject {
  const state = {
    schemaVersion: 1,
    revision: 1,
    champion: { variant: model.variant, version: model.version },
    challengers: [],
    shadows: [],
    fallback: null,
  };
  return {
    name: 'registry-seed',
    key: storeKeys.registryState,
    source: { text: `${JSON.stringify(state, null, 2)}\n` },
    contentType: 'application/json',
    metadata: {},
    lifecycle: 'create-only',
  };
}

export function pendingRegistration(
  request: Omit<PendingRegistration, 'schemaVersion' | 'kind'>,
): StoreObject {
  const body: PendingRegistration = { schemaVersion: 1, kind: 'pending-registration', ...request };
  return {
    name: `pending-${request.as}-${request.variant}-${request.version}`,
    key: pendingKey(request.variant, request.version),
    source: { text: `${JSON.stringify(body, null, 2)}\n` },
    contentType: 'application/json',
    metadata: {},
    lifecycle: 'create-only',
  };
}

/**
 * Everything the stack writes into the store for its model config: the artifact's files (when
 * publishing), the registry seed, a challenger request for the deployed model (a no-op while it
 * is the champion, which it is after the first `up`) and one shadow request per shadow.
 */
export function storeObjects(
  model: PinnedModel,
  config: ModelConfig,
  artifact: LocalArtifact | undefined,
  requestedBy: string,
): StoreObject[] {
  const published = artifact ? modelObjects(artifact) : [];
  // The registry names the model: it is written once the model's manifest is.
  const manifest = published.filter((o) => o.key.endsWith(`/${ARTIFACT_FILES.manifest}`)).map((o) => o.name);
  const afterModel = (object: StoreObject): StoreObject =>
    manifest.length > 0 ? { ...object, after: manifest } : object;
  return [
    ...published,
    ...[
      registrySeed(model),
      pendingRegistration({
        variant: model.variant,
        version: model.version,
        modelSha256: model.sha256,
        as: config.weight > 0 ? 'challenger' : 'shadow',
        weight: config.weight,
        requestedBy,
      }),
      ...config.shadows.map((s) =>
        pendingRegistration({
          variant: s.variant,
          version: s.version,
          modelSha256: null,
          as: 'shadow',
          weight: 0,
          requestedBy,
        }),
      ),
    ].map(afterModel),
  ];
}

/**
 * How a store object's lifecycle becomes resource options. `contentFields` are the cloud's input
 * names that carry the object's bytes and metadata: a create-only object ignores them all, so a
 * later `up` never rewrites what the registry has since changed, and neither kind is deleted by
 * `destroy` or by the stack moving on to another model.
 */
export function objectOptions(
  lifecycle: ObjectLifecycle,
  contentFields: readonly string[],
): { retainOnDelete: true; ignoreChanges?: string[] } {
  return lifecycle === 'create-only'
    ? { retainOnDelete: true, ignoreChanges: [...contentFields] }
    : { retainOnDelete: true };
}
