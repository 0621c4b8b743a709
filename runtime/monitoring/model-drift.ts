import {
  confidenceCount,
  detectDrift,
  type DriftBaseline,
  type DriftSignalName,
  type DriftStatus,
  type DriftThresholds,
  type LiveWindow,
} from '../stats/drift';

export type IndicatorStatus = DriftStatus | 'too-little-data';

/** One signal as the page shows it: PSI against its thresholds, with Jensen–Shannon beside it. */
export interface DriftIndicator {
  name: DriftSignalName;
  /** Live observations: predictions, or words for the unknown-word rate. */
  n: number;
  /** null when the window has no observation for it. */
  psi: number | null;
  jsBits: number | null;
  threshold: DriftThresholds;
  jsThreshold: DriftThresholds;
  /** PSI that sampling noise alone averages at these sizes. */
  expectedNoise: number | null;
  /** The worse of the PSI and JS verdicts; too-little-data while the noise could explain either. */
  status: IndicatorStatus;
  /** For the unknown-word rate: the live and held-out rates themselves. */
  live?: number | null;
  baseline?: number;
}

export interface ModelDrift {
  /** Live predictions in the window, and held-out rows behind the baseline. */
  n: number;
  baselineN: number;
  /** The worst judged indicator; too-little-data when none could be judged. */
  status: IndicatorStatus;
  indicators: DriftIndicator[];
}

const RANK: Record<IndicatorStatus, number> = { 'too-little-data': 0, ok: 1, warn: 2, alarm: 3 };
const worse = (a: IndicatorStatus, b: IndicatorStatus) => (RANK[b] > RANK[a] ? b : a);
const finite = (x: number) => (Number.isFinite(x) ? x : null);

export function modelDrift(baseline: DriftBaseline, live: LiveWindow): ModelDrift {
  const signals = detectDrift(baseline, live);
  const names = [...new Set(signals.map((s) => s.name))];
  const indicators = names.flatMap((name): DriftIndicator[] => {
    const psi = signals.find((s) => s.name === name && s.metric === 'psi');
    const js = signals.find((s) => s.name === name && s.metric === 'js-bits');
    if (!psi || !js) return [];
    const status = psi.judged || js.judged ? worse(psi.status, js.status) : 'too-little-data';
    return [
      {
        name,
        n: psi.n,
        psi: finite(psi.value),
        jsBits: finite(js.value),
        threshold: psi.threshold,
        jsThreshold: js.threshold,
        expectedNoise: finite(psi.expectedNoise),
        status,
        ...(name === 'unknown-word-rate'
          ? {
              live: live.words > 0 ? live.unknownWords / live.words : null,
              baseline: baseline.unknownWordRate,
            }
          : {}),
      },
    ];
  });
  return {
    n: confidenceCount(live.topConfidences),
    baselineN: baseline.n,
    status: indicators.reduce<IndicatorStatus>((w, i) => worse(w, i.status), 'too-little-data'),
    indicators,
  };
}
