import type { ScoreSummary } from '../../models/manifest';

export interface GateConfig {
  /** The candidate may trail the champion by at most this much subheading top-1 (fraction). */
  maxDrop: number;
  /** …and must reach at least this subheading top-1 on the held-out rows. */
  floor: number;
}

export const DEFAULT_GATE: GateConfig = { maxDrop: 0.01, floor: 0.3 };

export interface GateResult {
  passed: boolean;
  reasons: string[];
  candidate: number;
  champion: number | null;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Candidate against champion on the same held-out rows, at subheading top-1. */
export function applyGate(
  candidate: ScoreSummary,
  champion: ScoreSummary | null,
  config: GateConfig,
): GateResult {
  const reasons: string[] = [];
  const c = candidate.top1.hs6;
  if (c < config.floor) reasons.push(`subheading top-1 ${pct(c)} is below the floor of ${pct(config.floor)}`);
  const d = champion?.top1.hs6 ?? null;
  if (d !== null && c < d - config.maxDrop) {
    reasons.push(
      `subheading top-1 ${pct(c)} trails the champion's ${pct(d)} by more than ${pct(config.maxDrop)}`,
    );
  }
  return { passed: reasons.length === 0, reasons, candidate: c, champion: d };
}
