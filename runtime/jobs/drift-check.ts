import type { ModelManifest } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { modelRefKey, sameModel } from '../../models/model-ref';
import type { AuditTrail } from '../monitoring/audit-trail';
import { modelDrift, type ModelDrift } from '../monitoring/model-drift';
import { readHistory } from '../registry/history';
import type { Registry } from '../registry/registry';
import type { ObjectStore } from '../store/object-store';
import { queueFeedbackRetrain } from './feedback-retrain';

export interface DriftCheckInput {
  store: ObjectStore;
  registry: Registry;
  audit: AuditTrail;
  /** The champion's newest served predictions compared with its training baseline. */
  windowSize?: number;
  /** A model already alarmed within this period is not alarmed again. */
  realarmAfterMs?: number;
  /** On a new alarm, hand the feedback that carries text to the retrain job (data/incoming/). */
  retrainOnAlarm?: boolean;
  now?: () => number;
  log?: (line: string) => void;
}

export interface DriftCheckResult {
  drift: ModelDrift;
  alarmRecorded: boolean;
  /** The incoming file written for retraining, when one was. */
  retrainInput?: string;
}

/**
 * Live traffic of the champion against the distribution its training held-out set produced:
 * predicted chapters, top-1 confidence and the unseen-word rate, by PSI and Jensen–Shannon. An
 * alarm lands in the registry history with its numbers (once per model and period) and can queue
 * the feedback collected so far for retraining.
 */
export async function runDriftCheck(input: DriftCheckInput): Promise<DriftCheckResult> {
  const { store, registry } = input;
  const now = input.now ?? Date.now;
  const log = input.log ?? (() => undefined);
  const { champion } = await registry.read();
  const object = await store.get(storeKeys.modelFile(champion.variant, champion.version, 'manifest.json'));
  if (!object) throw new Error(`${modelRefKey(champion)} has no manifest in the store`);
  const manifest = JSON.parse(Buffer.from(object.body).toString('utf8')) as ModelManifest;
  const windowSize = input.windowSize ?? 2000;
  const audit = await input.audit.window({ newest: windowSize });
  const drift = modelDrift(manifest.driftBaseline, audit.newestServed(champion, windowSize));
  if (drift.status !== 'alarm') return { drift, alarmRecorded: false };

  const since = new Date(now() - (input.realarmAfterMs ?? 24 * 3600 * 1000)).toISOString();
  const recent = (await readHistory(store)).some(
    (e) => e.type === 'drift-alarm' && e.time >= since && sameModel(e.subject, champion),
  );
  if (recent) return { drift, alarmRecorded: false };
  const alarmed = drift.indicators.filter((i) => i.status === 'alarm').map((i) => i.name);
  await registry.recordDrift({
    reason: `live traffic of ${modelRefKey(champion)} drifted from its training baseline: ${alarmed.join(', ')}`,
    window: drift.n,
    indicators: drift.indicators.map((i) => ({
      name: i.name,
      psi: i.psi,
      jsBits: i.jsBits,
      status: i.status,
    })),
  });
  log(`drift alarm for ${modelRefKey(champion)}: ${alarmed.join(', ')}`);
  const queued = input.retrainOnAlarm ? await queueFeedbackRetrain(store) : undefined;
  const retrainInput = queued?.key;
  if (queued?.queued)
    log(`queued ${queued.key} (${queued.rows} feedback row${queued.rows === 1 ? '' : 's'}) for retraining`);
  return { drift, alarmRecorded: true, ...(retrainInput ? { retrainInput } : {}) };
}
