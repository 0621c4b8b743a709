import Table from 'cli-table3';
import { SCORE_ROWS, formatPercent, formatPoints, type HeadlineScores } from './score-rows';

/**
 * The terminal comparison of a model with the BM25 baseline: one row per headline score,
 * the gain in percentage points (model − baseline). Without a baseline, only the model column.
 * Plain characters, no colour codes, so the table reads the same in a log file.
 */
export function formatEvaluationTable(model: HeadlineScores, baseline?: HeadlineScores): string {
  const table = new Table({
    head: baseline ? ['metric', 'model', 'BM25', 'gain (points)'] : ['metric', 'model'],
    colAligns: ['left', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const row of SCORE_ROWS) {
    const ours = row.value(model);
    if (!baseline) {
      table.push([row.label, formatPercent(ours)]);
      continue;
    }
    const theirs = row.value(baseline);
    table.push([row.label, formatPercent(ours), formatPercent(theirs), formatPoints(ours - theirs)]);
  }
  return table.toString();
}

/**
 * The terminal comparison of several predictors on the same rows: one column each (the first is
 * the one served), then the gain of the first over the best of the `baselines` columns.
 */
export function formatComparisonTable(
  columns: ReadonlyArray<{ name: string; scores: HeadlineScores; baseline?: boolean }>,
): string {
  const [served] = columns;
  if (!served) throw new Error('nothing to compare');
  const baselines = columns.filter((c) => c.baseline);
  const table = new Table({
    head: ['metric', ...columns.map((c) => c.name), ...(baselines.length ? ['gain over best baseline'] : [])],
    colAligns: ['left', ...columns.map(() => 'right' as const), 'right'],
    style: { head: [], border: [] },
  });
  for (const row of SCORE_ROWS) {
    const ours = row.value(served.scores);
    const others = baselines.map((b) => row.value(b.scores));
    const best = row.lowerIsBetter ? Math.min(...others) : Math.max(...others);
    table.push([
      row.label,
      ...columns.map((c) => formatPercent(row.value(c.scores))),
      ...(baselines.length ? [formatPoints(ours - best)] : []),
    ]);
  }
  return table.toString();
}
