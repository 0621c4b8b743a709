import type { VerifiedArtifact } from '../../models/artifact';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import { storeKeys } from '../../models/store-layout';
import { hashOfEntry, readEntryAt, readHistoryHead, type HistoryEntry } from '../registry/history';
import { readRegistryState } from '../registry/registry-state';
import type { ObjectStore } from '../store/object-store';
import { loadVerifiedArtifact, type LoadOptions } from './artifact-loader';
import { ModelLoadError } from './errors';

/** The ONNX sha256 the registry approved for a model, and the history entry that pins it. */
export interface Approval {
  sha256: string;
  /** The entry it was read from; null when only the version name vouches for it (a seed). */
  seq: number | null;
}

/**
 * The model's files verify against their manifest, but the manifest is not what the registry
 * approved: the artifact was replaced (model and manifest together) after it was registered.
 */
export class UnapprovedModelError extends ModelLoadError {
  constructor(
    readonly ref: ModelRef,
    readonly approved: Approval,
    readonly foundSha256: string,
  ) {
    const where = approved.seq === null ? 'its version name encodes' : `history seq ${approved.seq} approved`;
    super(
      modelRefKey(ref),
      `model.onnx has sha256 ${foundSha256}, but ${where} ${approved.seq === null ? `${approved.sha256.slice(0, 12)}…` : approved.sha256}: ` +
        `the files were replaced after the model was registered, so it is not served. Put the approved files back, or take it out of service with ` +
        `"hscode models rollback ${ref.version} --reason 'files replaced'" (for the champion this restores the fallback)`,
    );
    this.name = 'UnapprovedModelError';
  }
}

/** `<variant>-<first 12 hex of the ONNX sha256>`: how every trained model is named. */
const NAMED_BY_CONTENT = /^(.+)-([0-9a-f]{12})$/;

/** The sha256 prefix a content-named version carries, if it is one. */
export function versionHashPrefix(ref: ModelRef): string | undefined {
  const match = NAMED_BY_CONTENT.exec(ref.version);
  return match && match[1] === ref.variant ? match[2] : undefined;
}

/**
 * What the registry approved for `ref`: the pin in the entry state.json names as its head (whose
 * hash is checked, so a rewritten entry cannot approve anything), or in the newest entry of a
 * history an older version wrote. Undefined when no entry pins it (a seed no decision has
 * anchored yet). One read of state.json and one of an entry: done when a model is loaded, never
 * per prediction.
 */
export async function approvalOf(store: ObjectStore, ref: ModelRef): Promise<Approval | undefined> {
  const read = await readRegistryState(store);
  if (!read) return undefined;
  let entry: HistoryEntry | undefined;
  if (read.head) {
    entry = await readEntryAt(store, read.head.seq);
    if (!entry || entry.hash !== read.head.sha256 || hashOfEntry(entry) !== entry.hash) {
      throw new ModelLoadError(
        modelRefKey(ref),
        `${storeKeys.registryState} names history seq ${read.head.seq} as its head, and that entry is missing or was rewritten: no model is approved until "hscode models verify" passes`,
      );
    }
  } else {
    entry = await readHistoryHead(store);
  }
  const sha256 = entry?.artifacts[modelRefKey(ref)];
  return sha256 && entry ? { sha256, seq: entry.seq } : undefined;
}

/**
 * The artifact, verified against its manifest (loadVerifiedArtifact) and against what the
 * registry approved when the model was registered: a model whose files were swapped and whose
 * manifest was rewritten to match is refused with both hashes named. Without a pin (a seed, or a
 * model being registered), the version name's 12 hex characters must start the sha256; a model
 * with neither is refused, unless `unpinned: 'allow'` (registration, which pins it).
 */
export async function loadApprovedArtifact(
  store: ObjectStore,
  ref: ModelRef,
  options: { unpinned?: 'refuse' | 'allow' } & LoadOptions = {},
): Promise<VerifiedArtifact> {
  const [approval, artifact] = await Promise.all([
    approvalOf(store, ref),
    loadVerifiedArtifact(store, ref, { whileReading: options.whileReading }),
  ]);
  const found = artifact.manifest.onnx.sha256;
  const prefix = versionHashPrefix(ref);
  if (approval) {
    if (approval.sha256 !== found) throw new UnapprovedModelError(ref, approval, found);
  } else if (prefix !== undefined) {
    if (!found.startsWith(prefix)) throw new UnapprovedModelError(ref, { sha256: prefix, seq: null }, found);
  } else if (options.unpinned !== 'allow') {
    throw new ModelLoadError(
      modelRefKey(ref),
      'the registry pins no sha256 for it and its version name encodes none: register it before serving it',
    );
  }
  return artifact;
}
