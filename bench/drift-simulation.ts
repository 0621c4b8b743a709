/**
 * The drift detector on simulated traffic (runtime/stats/drift-simulation.ts): how often each
 * signal is flagged (warn or alarm) on windows drawn from the baseline itself, by window size, and
 * how often it sees given shifts.
 *
 *   npx tsx bench/drift-simulation.ts [--windows 2000]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { DriftSignalName } from '../runtime/stats/drift';
import { flaggedRates, simulatedBaseline, type Shift } from '../runtime/stats/drift-simulation';

const { values } = parseArgs({ options: { windows: { type: 'string', default: '2000' } } });
const windows = Number(values.windows);
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const SIGNALS: DriftSignalName[] = ['predicted-chapter', 'top1-confidence', 'unknown-word-rate'];

console.log(
  `# ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · ${new Date().toISOString().slice(0, 10)}`,
);
console.log(
  `${windows} simulated windows per row; baseline of 4,157 held-out rows unless stated, exact (the truth itself) or sampled from it\n`,
);
console.log(`| no drift, window | baseline | ${SIGNALS.join(' | ')} |`);
console.log(`|---|---|${SIGNALS.map(() => '---').join('|')}|`);
for (const size of [50, 200, 500, 2000, 5000]) {
  const exact = flaggedRates(simulatedBaseline(), { size, windows });
  console.log(`| ${size} | exact | ${SIGNALS.map((s) => pct(exact[s])).join(' | ')} |`);
  // A real model's baseline is itself a sample of its held-out rows: a new one for every window.
  const sampled = flaggedRates(simulatedBaseline(), { size, windows, sampledBaselineRows: 4157 });
  console.log(`| ${size} | sampled | ${SIGNALS.map((s) => pct(sampled[s])).join(' | ')} |`);
}

const shifts: Array<[string, Shift, DriftSignalName, number?]> = [
  ['5% of traffic to a rare chapter', { chapterShift: 0.05 }, 'predicted-chapter'],
  ['10% of traffic to a rare chapter', { chapterShift: 0.1 }, 'predicted-chapter'],
  ['30% of predictions at low confidence', { lowConfidence: 0.3 }, 'top1-confidence'],
  ['unknown words 0.5% → 2%', { unknownRate: 0.02 }, 'unknown-word-rate'],
  ['unknown words 0.5% → 10%, baseline of 150 rows', { unknownRate: 0.1 }, 'unknown-word-rate', 150],
];
console.log(`\n| shift | window | flagged |`);
console.log(`|---|---|---|`);
for (const [name, shift, signal, baselineRows] of shifts) {
  for (const size of [500, 2000]) {
    const rates = flaggedRates(simulatedBaseline(baselineRows), {
      size,
      windows: Math.min(windows, 500),
      shift,
    });
    console.log(`| ${name} | ${size} | ${pct(rates[signal])} |`);
  }
}
