import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publishArtifact, type ArtifactFiles } from '../../models/artifact-publish';
import type { ModelManifest } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { DEFAULT_VARIANT } from '../../models/variants';
import type { ModelRef } from '../../models/model-ref';
import { LocalObjectStore } from '../store/local-store';

/** The newest model `hscode train` published into a local store for a variant, if any. */
export function latestLocalModel(home: string, variant: string = DEFAULT_VARIANT): ModelRef | undefined {
  const pointer = join(home, storeKeys.latestModel(variant));
  if (!existsSync(pointer)) return undefined;
  const { version } = JSON.parse(readFileSync(pointer, 'utf8')) as { version: string };
  return { variant, version };
}

/**
 * Publishes a trained artifact into the local store at `home` (`models/<variant>/<version>/`) and
 * makes it the variant's newest, which `hscode serve` registers when the registry is empty.
 * Returns the artifact's folder.
 */
export async function publishLocalModel(
  home: string,
  trained: { manifest: ModelManifest; files: ArtifactFiles },
): Promise<string> {
  const { variant, version } = trained.manifest;
  const store = new LocalObjectStore(home);
  const prefix = storeKeys.modelPrefix(variant, version);
  await publishArtifact(store, prefix, trained.files);
  await store.put(storeKeys.latestModel(variant), `${JSON.stringify({ version })}\n`);
  // resolve() drops the prefix's trailing slash, so the folder reads like any other path.
  return resolve(store.root, prefix);
}

/** Publishes a trained artifact as a folder of its own (`hscode train --out DIR`). */
export async function publishModelFolder(dir: string, files: ArtifactFiles): Promise<string> {
  const store = new LocalObjectStore(dir);
  await publishArtifact(store, '', files);
  return store.root;
}
