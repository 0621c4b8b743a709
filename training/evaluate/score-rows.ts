import type { EvaluationResult, LevelScores } from './metrics';

/** The headline numbers both a fresh evaluation and a manifest's stored scores carry. */
export type HeadlineScores = Pick<EvaluationResult, 'n' | 'top1' | 'top3' | 'top5' | 'macro_f1' | 'ece'>;

export interface ScoreRow {
  label: string;
  value: (scores: HeadlineScores) => number;
  /** For ECE a drop is the improvement. */
  lowerIsBetter: boolean;
}

const LEVEL_NAMES: ReadonlyArray<[keyof LevelScores, string]> = [
  ['hs2', 'chapter (HS2)'],
  ['hs4', 'heading (HS4)'],
  ['hs6', 'subheading (HS6)'],
];

/** The rows of every comparison table, terminal and HTML alike, in reading order. */
export const SCORE_ROWS: readonly ScoreRow[] = [
  ...(['top1', 'top3', 'top5'] as const).flatMap((depth) =>
    LEVEL_NAMES.map(([level, name]) => ({
      label: `top-${depth.slice(3)} ${name}`,
      value: (scores: HeadlineScores) => scores[depth][level],
      lowerIsBetter: false,
    })),
  ),
  { label: 'macro-F1 (HS6)', value: (s) => s.macro_f1, lowerIsBetter: false },
  { label: 'ECE (lower is better)', value: (s) => s.ece, lowerIsBetter: true },
];

export const formatPercent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;

/** A difference of two fractions in percentage points, signed: "+12.3", "-0.4", "0.0". */
export function formatPoints(difference: number): string {
  const points = difference * 100;
  const text = Math.abs(points).toFixed(1);
  if (text === '0.0') return '0.0';
  return points > 0 ? `+${text}` : `-${text}`;
}
