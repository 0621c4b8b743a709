/**
 * What noise costs a trained model on the development set: its English rows, and seeded noisy
 * copies of them (trader shorthand, typos, casing, invoice suffixes: the same noiser as
 * realistic-v1-noisy, other seeds). Prints chapter top-1 clean and noisy, and for each kind of
 * noise how many rows it turned from right to wrong. This is where noise is studied and rules
 * are tried; realistic-v1-noisy is only reported, never looked into.
 *
 *   npx tsx bench/noise-cost.ts --model DIR [--copies 20] [--show]
 */
import { parseArgs } from 'node:util';
import { loadDevelopmentSet } from '../cli/training-data';
import { readArtifactDir } from '../training/artifact-reader';
import { NOISE_KINDS, noisyCopies, type NoiseKind } from '../training/evaluate/noise';
import { forEachServed, servedModelOf, type ServedModel } from '../training/served-model';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    copies: { type: 'string', default: '20' },
    show: { type: 'boolean', default: false },
  },
});
if (!values.model) throw new Error('pass --model DIR (a model folder: manifest.json, model.onnx…)');

/** The chapter each text is given, in order. */
async function chapters(served: ServedModel, texts: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  await forEachServed(served, texts, (probabilities) => {
    let best = 0;
    for (let i = 1; i < probabilities.length; i++)
      if ((probabilities[i] as number) > (probabilities[best] as number)) best = i;
    out.push((served.labels[best] as string).slice(0, 2));
  });
  return out;
}

async function main(): Promise<void> {
  const served = servedModelOf(readArtifactDir(values.model as string));
  // Other scripts get no noise (the noiser is English), so they would only dilute the cost.
  const rows = (await loadDevelopmentSet(undefined, true))
    .filter((row) => !/[^\p{Script=Latin}\p{Script=Common}]/u.test(row.text))
    .map((row, i) => ({ id: `dev-${i}`, description: row.text, hs6: row.hs6 }));
  const clean = await chapters(
    served,
    rows.map((r) => r.description),
  );
  const cleanRight = rows.map((row, i) => clean[i] === row.hs6.slice(0, 2));
  const lost = new Map<NoiseKind, { rows: number; lost: number }>(
    NOISE_KINDS.map((kind) => [kind, { rows: 0, lost: 0 }]),
  );
  let noisyRight = 0;
  const copies = Number(values.copies);
  for (let copy = 0; copy < copies; copy++) {
    const noisy = noisyCopies(rows, `development-noisy-${copy}`);
    const given = await chapters(
      served,
      noisy.map((r) => r.description),
    );
    noisy.forEach((row, i) => {
      const right = given[i] === row.hs6.slice(0, 2);
      if (right) noisyRight++;
      const turned = cleanRight[i] === true && !right;
      for (const kind of row.noise) {
        const entry = lost.get(kind) as { rows: number; lost: number };
        entry.rows++;
        if (turned) entry.lost++;
      }
      if (turned && values.show)
        console.log(
          `  ${row.hs6} "${rows[i]?.description}" → "${row.description}": ${given[i]} [${row.noise}]`,
        );
    });
  }
  const cleanScore = cleanRight.filter(Boolean).length / rows.length;
  const noisyScore = noisyRight / (rows.length * copies);
  const pct = (x: number) => (100 * x).toFixed(1);
  console.log(`| rows | copies | clean chapter top-1 | noisy | cost, points |`);
  console.log(`|---|---|---|---|---|`);
  console.log(
    `| ${rows.length} | ${copies} | ${pct(cleanScore)} | ${pct(noisyScore)} | ${pct(cleanScore - noisyScore)} |`,
  );
  console.log(`\n| noise kind | noisy rows | right turned wrong | share |`);
  console.log(`|---|---|---|---|`);
  for (const [kind, entry] of lost)
    console.log(
      `| ${kind} | ${entry.rows} | ${entry.lost} | ${pct(entry.lost / Math.max(1, entry.rows))}% |`,
    );
}

void main();
