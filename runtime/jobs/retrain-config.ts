import { NEW_MODEL_WEIGHT } from '../../models/deployment';
import type { Variant, VariantName } from '../../models/variants';
import { DEFAULT_VARIANT } from '../../models/variants';
import { DEFAULT_SEED } from '../../training/defaults';
import { DEFAULT_GATE, type GateConfig } from './retrain-gate';

export interface RetrainConfig {
  variant: VariantName;
  gate: GateConfig;
  /** New challengers start with this share of traffic (0 = register as shadow). */
  initialWeight: number;
  /** Train on the default corpus as well as feedback and the new file. */
  withDefaultCorpus: boolean;
  seed: number;
  /**
   * A claim whose owner has not renewed its heartbeat for this long is taken over (a claim whose
   * owner process is gone from this machine is taken over at once).
   */
  staleClaimMs: number;
  /** How often a running retrain renews its claim's heartbeat. */
  heartbeatMs: number;
  /** Overrides for tests and small machines (epochs, time budget). */
  training?: Partial<Variant['training']>;
}

/**
 * The retrain job's defaults, apart from the job so that the command line can show them in
 * `--help` without loading TensorFlow.js.
 */
export const DEFAULT_RETRAIN: RetrainConfig = {
  variant: DEFAULT_VARIANT,
  gate: DEFAULT_GATE,
  initialWeight: NEW_MODEL_WEIGHT,
  withDefaultCorpus: true,
  seed: DEFAULT_SEED,
  staleClaimMs: 5 * 60 * 1000,
  heartbeatMs: 30 * 1000,
};
