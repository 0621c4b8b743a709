import { storeKeys } from '../../models/store-layout';
import { APPLIED_PREFIX, PENDING_PREFIX, type PendingRegistration } from '../../models/pending-registration';
import { modelRefKey } from '../../models/model-ref';
import { errorMessage } from '../core/errors';
import { RegistryDecisionError, type Registry } from '../registry/registry';
import { PreconditionFailedError, type ObjectStore } from '../store/object-store';

const receiptKey = (pendingKey: string) => `${APPLIED_PREFIX}${pendingKey.slice(PENDING_PREFIX.length)}`;

export type PendingOutcome =
  | { key: string; status: 'registered' | 'unchanged'; detail: string }
  | { key: string; status: 'refused'; detail: string };

function parsePending(key: string, body: Uint8Array): PendingRegistration {
  const value = JSON.parse(Buffer.from(body).toString('utf8')) as Partial<PendingRegistration>;
  const ok =
    value.schemaVersion === 1 &&
    value.kind === 'pending-registration' &&
    typeof value.variant === 'string' &&
    typeof value.version === 'string' &&
    (value.as === 'challenger' || value.as === 'shadow') &&
    typeof value.weight === 'number' &&
    typeof value.requestedBy === 'string' &&
    (value.modelSha256 === null ||
      (typeof value.modelSha256 === 'string' && /^[0-9a-f]{64}$/.test(value.modelSha256)));
  if (!ok) throw new Error(`${key} is not a pending registration this version understands`);
  return value as PendingRegistration;
}

/**
 * Registrations a deployment requested (`pulumi up` with a new model writes one; it never writes
 * the registry state itself): each is applied once, through the registry's conditional writes,
 * after checking the published ONNX file is the one the deployment named, and then receipted so a
 * model later rolled back is not registered again. A crash between the two repeats only a
 * registration that is a no-op the second time.
 */
export async function applyPendingRegistrations(
  store: ObjectStore,
  registry: Registry,
  log: (line: string) => void = () => undefined,
): Promise<PendingOutcome[]> {
  const outcomes: PendingOutcome[] = [];
  for (const key of await store.list(PENDING_PREFIX)) {
    if (!key.endsWith('.json') || (await store.get(receiptKey(key)))) continue;
    const object = await store.get(key);
    if (!object) continue;
    let outcome: PendingOutcome;
    try {
      outcome = await applyOne(store, registry, key, parsePending(key, object.body));
    } catch (err) {
      outcome = { key, status: 'refused', detail: errorMessage(err) };
    }
    outcomes.push(outcome);
    log(`pending registration ${key}: ${outcome.status} (${outcome.detail})`);
    // A refused request stays pending, so fixing the model (or the request) lets it through.
    if (outcome.status === 'refused') continue;
    await store
      .put(receiptKey(key), `${JSON.stringify({ ...outcome, appliedTo: key })}\n`, { ifVersion: null })
      .catch((err: unknown) => {
        if (!(err instanceof PreconditionFailedError)) throw err;
      });
  }
  return outcomes;
}

async function applyOne(
  store: ObjectStore,
  registry: Registry,
  key: string,
  request: PendingRegistration,
): Promise<PendingOutcome> {
  const ref = { variant: request.variant, version: request.version };
  const manifest = await store.get(storeKeys.modelFile(ref.variant, ref.version, 'manifest.json'));
  if (!manifest)
    return { key, status: 'refused', detail: `${modelRefKey(ref)} has no manifest in the store yet` };
  const published = (
    JSON.parse(Buffer.from(manifest.body).toString('utf8')) as { onnx?: { sha256?: string } }
  ).onnx?.sha256;
  if (request.modelSha256 !== null && published !== request.modelSha256) {
    return {
      key,
      status: 'refused',
      detail: `the deployment named ONNX sha256 ${request.modelSha256.slice(0, 12)}…, the published manifest says ${String(published).slice(0, 12)}…`,
    };
  }
  try {
    const result = await registry.register(ref, request.as, request.as === 'shadow' ? 0 : request.weight, {
      requestedBy: request.requestedBy,
      source: key,
    });
    return result.applied
      ? { key, status: 'registered', detail: `${modelRefKey(ref)} as ${request.as}` }
      : { key, status: 'unchanged', detail: result.reason ?? 'nothing to change' };
  } catch (err) {
    if (err instanceof RegistryDecisionError) return { key, status: 'refused', detail: err.message };
    throw err;
  }
}
