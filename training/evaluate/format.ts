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
