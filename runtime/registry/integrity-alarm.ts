import { ARTIFACT_FILES } from '../../models/artifact';
import { modelRefKey } from '../../models/model-ref';
import { storeKeys } from '../../models/store-layout';
import { approvalOf, UnapprovedModelError } from '../core/model-approval';
import type { ObjectStore } from '../store/object-store';
import { modelsOf } from './candidate';
import type { Registry } from './registry';

/** Records a refused load as an integrity alarm in the history (once per model and found sha256). */
export async function recordUnapproved(registry: Registry, err: UnapprovedModelError): Promise<void> {
  await registry.recordIntegrityAlarm(err.ref, {
    approvedSha256: err.approved.sha256,
    ...(err.approved.seq === null ? {} : { approvedAtSeq: err.approved.seq }),
    foundSha256: err.foundSha256,
    reason: err.message,
  });
}

/**
 * Compares every routed model's manifest with the sha256 the registry pinned for it, and records
 * an alarm for each that differs: the jobs run this on every schedule, so a swap is in the history
 * even where the serving instances cannot write the registry (the clouds). Manifests only: a
 * model whose ONNX no longer matches its own manifest is refused at load, and named by verify.
 */
export async function checkApprovals(
  store: ObjectStore,
  registry: Registry,
  log: (line: string) => void = () => undefined,
): Promise<UnapprovedModelError[]> {
  const refused: UnapprovedModelError[] = [];
  for (const ref of modelsOf(await registry.read())) {
    const [approval, manifest] = await Promise.all([
      approvalOf(store, ref),
      store.get(storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.manifest)),
    ]);
    if (!approval || !manifest) continue;
    let found: unknown;
    try {
      found = (JSON.parse(Buffer.from(manifest.body).toString('utf8')) as { onnx?: { sha256?: unknown } })
        .onnx?.sha256;
    } catch {
      continue;
    }
    if (typeof found !== 'string' || found === approval.sha256) continue;
    const err = new UnapprovedModelError(ref, approval, found);
    refused.push(err);
    log(`integrity alarm for ${modelRefKey(ref)}: ${err.message}`);
    await recordUnapproved(registry, err);
  }
  return refused;
}
