import type { ModelInfo } from '../core/classifier';

/** What the API tells about a model: its identity and held-out scores, not the whole manifest. */
export interface ModelSummary extends Omit<ModelInfo, 'manifest'> {
  validation: ModelInfo['manifest']['metrics']['validation'];
}

export const modelSummary = ({ manifest, ...identity }: ModelInfo): ModelSummary => ({
  ...identity,
  validation: manifest.metrics.validation,
});
