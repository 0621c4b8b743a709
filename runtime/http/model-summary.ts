import type { ModelInfo } from '../core/classifier';

/** What the API tells about a model: its identity and held-out scores, not the whole manifest. */
export interface ModelSummary {
  variant: string;
  version: string;
  modelSha256: string;
  hsEdition: string;
  createdAt: string;
  labels: number;
  abstainThreshold: number;
  parentVersion: string | null;
  validation: ModelInfo['manifest']['metrics']['validation'];
}

export const modelSummary = (info: ModelInfo): ModelSummary => ({
  variant: info.variant,
  version: info.version,
  modelSha256: info.modelSha256,
  hsEdition: info.hsEdition,
  createdAt: info.createdAt,
  labels: info.labels,
  abstainThreshold: info.abstainThreshold,
  parentVersion: info.parentVersion,
  validation: info.manifest.metrics.validation,
});
