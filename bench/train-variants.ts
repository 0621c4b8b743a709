/**
 * End-to-end training benchmark: for each variant, default corpus → trained, exported and
 * scored artifact, with seconds per epoch and end to end, and the scores of what is served (the
 * network fused with retrieval), of the network alone, of BM25 over the nomenclature and of the
 * linear n-gram baseline, on the held-out evaluation half, the development set and any further
 * labelled files given with --eval. Prints Markdown tables for BENCHMARKS.md.
 *
 * With --realistic, also the hand-labelled realistic set (data/eval/realistic-v1.csv) and its
 * seeded noisy copy, with chapter top-1 per description style.
 *
 *   npx tsx bench/train-variants.ts [textcnn bigru dnn] [--home DIR] [--eval FILE]… [--realistic]
 *     [--epochs N]   (overrides the catalogue's epoch count, to measure a candidate default)
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ScoreSummary } from '../models/manifest';
import { isVariantName, type VariantName } from '../models/variants';
import { loadDevelopmentSet, loadTrainingData } from '../cli/training-data';
import { trainingProgressBar } from '../cli/progress-bar';
import { publishLocalModel } from '../runtime/local/local-models';
import { readArtifactDir } from '../training/artifact-reader';
import type { LabelledRow } from '../training/dataset';
import { evaluateRows, headline } from '../training/evaluate-artifact';
import { ingestFiles } from '../training/ingest';
import { LinearBaseline } from '../training/linear/linear-baseline';
import { servedModelOf } from '../training/served-model';
import { stratifiedSplit } from '../training/split';
import { trainModel } from '../training/train';
import { realisticV1Noisy } from '../training/evaluate/noise';
import { asLabelledRows, loadRealisticSet } from '../training/evaluate/realistic-set';
import { MetricsAccumulator } from '../training/evaluate/metrics';
import { Bm25Classifier } from '../models/retrieval/bm25';
import { forEachServed } from '../training/served-model';

const pct = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(1));
const levels = (s: ScoreSummary | undefined, depth: 'top1' | 'top3' | 'top5') =>
  s ? `${pct(s[depth].hs2)} / ${pct(s[depth].hs4)} / ${pct(s[depth].hs6)}` : '–';

function flag(args: string[], name: string): string[] {
  return args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1] as string] : []));
}

/** One Markdown row per predictor: top-1, top-3 and top-5 at chapter / heading / subheading. */
function scoreRows(set: string, scores: Record<string, ScoreSummary | undefined>): string[] {
  return Object.entries(scores)
    .filter(([, s]) => s)
    .map(
      ([name, s]) =>
        `| ${set} | ${name} | ${s?.n ?? 0} | ${levels(s, 'top1')} | ${levels(s, 'top3')} | ${levels(s, 'top5')} |`,
    );
}

/** Chapter top-1 of the served model and both baselines for each description style of a set. */
async function byStyle(
  set: string,
  rows: readonly LabelledRow[],
  served: ReturnType<typeof servedModelOf>,
  linear: LinearBaseline | undefined,
): Promise<string[]> {
  const styleOf = (row: LabelledRow) => (row.source ?? '').split(':')[1] ?? 'all';
  const names = [...new Set(rows.map(styleOf))].sort();
  const bm25 = new Bm25Classifier(served.labels);
  const out: string[] = [];
  for (const style of names) {
    const subset = rows.filter((r) => styleOf(r) === style);
    const [ours, lexical, ngram] = [0, 1, 2].map(() => new MetricsAccumulator(served.labels));
    await forEachServed(
      served,
      subset.map((r) => r.text),
      (p, _n, i) => ours?.add((subset[i] as LabelledRow).hs6, p),
    );
    for (const row of subset) {
      lexical?.add(row.hs6, bm25.probabilities(row.text));
      if (linear) ngram?.add(row.hs6, linear.probabilities(row.text));
    }
    out.push(
      `| ${set} | ${style} | ${subset.length} | ${pct(ours?.result().top1.hs2)} | ${pct(lexical?.result().top1.hs2)} | ${linear ? pct(ngram?.result().top1.hs2) : '–'} |`,
    );
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const home = flag(args, '--home')[0] ?? mkdtempSync(join(tmpdir(), 'hscode-bench-'));
  const evalFiles = flag(args, '--eval');
  const [epochOverride] = flag(args, '--epochs');
  const variants = args.filter(
    (a, i) => isVariantName(a) && !['--home', '--eval'].includes(args[i - 1] ?? ''),
  ) as VariantName[];
  const run = variants.length ? variants : (['textcnn', 'bigru', 'dnn'] as VariantName[]);

  console.log(
    `# ${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model} · node ${process.version}`,
  );
  const evalSets: Array<{ name: string; rows: LabelledRow[] }> = [];
  for (const file of evalFiles) {
    const { rows } = await ingestFiles([file], { collect: true });
    evalSets.push({ name: basename(file), rows });
  }
  if (args.includes('--realistic')) {
    evalSets.push(
      { name: 'realistic-v1', rows: asLabelledRows(loadRealisticSet()) },
      { name: 'realistic-v1-noisy', rows: asLabelledRows(realisticV1Noisy(), 'realistic-v1-noisy') },
    );
  }
  const training: string[] = [];
  const styles: string[] = [];
  const scores: string[] = [];
  let linear: LinearBaseline | undefined;
  for (const variant of run) {
    const started = Date.now();
    const data = await loadTrainingData({ withDefaultCorpus: true });
    const development = await loadDevelopmentSet(undefined, true);
    const trained = await trainModel({
      variant,
      rows: data.rows,
      sources: data.sources,
      development,
      ...(epochOverride && { overrides: { epochs: Number(epochOverride) } }),
      progress: trainingProgressBar(),
      log: (line) => console.error(line),
    });
    const dir = await publishLocalModel(home, trained);
    const { manifest } = trained;
    const seconds = (Date.now() - started) / 1000;
    const epochs = manifest.training.history.map((h) => h.seconds).sort((a, b) => a - b);
    const medianEpoch = epochs[Math.floor(epochs.length / 2)] ?? 0;
    const indexSha = manifest.lexicalIndex?.sha256.slice(0, 12) ?? '–';
    training.push(
      `| ${variant} | ${manifest.training.backend} | ${manifest.training.history.length} (best ${manifest.training.bestEpoch}, ${manifest.training.stoppedBy}) | ${medianEpoch.toFixed(1)} | ${seconds.toFixed(0)} | ${manifest.onnx.sha256.slice(0, 12)} | ${indexSha} | ${JSON.stringify(manifest.fusion)} | ${manifest.abstain.threshold.toFixed(3)}: ${pct(manifest.abstain.coverage)} at ${pct(manifest.abstain.precision)} |`,
    );
    console.error(training[training.length - 1]);
    const m = manifest.metrics;
    scores.push(
      ...scoreRows('held-out', {
        [`${variant} served`]: m.validation,
        [`${variant} network alone`]: m.network,
        ...(variant === run[0] && { BM25: m.baseline, 'linear n-gram': m.linearBaseline }),
      }),
      ...scoreRows('development', {
        [`${variant} served`]: m.development,
        [`${variant} network alone`]: m.developmentNetwork,
        ...(variant === run[0] && {
          BM25: m.developmentBaseline,
          'linear n-gram': m.developmentLinearBaseline,
        }),
      }),
    );
    if (evalSets.length) {
      const artifact = readArtifactDir(dir);
      if (!linear) {
        const { train } = stratifiedSplit(
          data.rows,
          manifest.hyperParameters.training.validationFraction,
          manifest.data.splitSeed,
        );
        linear = LinearBaseline.train(train, artifact.labels);
      }
      for (const set of evalSets) {
        const evaluation = await evaluateRows(servedModelOf(artifact), set.rows, {
          targetPrecision: manifest.abstain.targetPrecision,
          reviewThreshold: manifest.abstain.threshold,
          ...(variant === run[0] && { linear }),
        });
        const review = evaluation.model.review;
        scores.push(
          ...scoreRows(set.name, {
            [`${variant} served`]: headline(evaluation.model),
            [`${variant} network alone`]: headline(evaluation.network),
            ...(variant === run[0] && {
              BM25: headline(evaluation.baseline),
              ...(evaluation.linear && { 'linear n-gram': headline(evaluation.linear) }),
            }),
          }),
        );
        if (variant === run[0])
          styles.push(...(await byStyle(set.name, set.rows, servedModelOf(artifact), linear)));
        console.error(
          `${set.name}: review flag answers ${pct(review?.coverage)}% at ${pct(review?.precision)}% chapter precision; worst chapters ` +
            [...evaluation.model.perChapter]
              .filter((c) => c.n >= 3)
              .sort((a, b) => a.accuracy - b.accuracy)
              .slice(0, 6)
              .map((c) => `${c.chapter} ${c.correct}/${c.n}`)
              .join(', '),
        );
      }
    }
  }
  console.log(
    '| variant | backend | epochs | s/epoch (median) | end to end, s | onnx sha256 | index sha256 | fusion | review threshold: coverage at chapter precision |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of training) console.log(row);
  console.log('');
  console.log('| set | predictor | rows | top-1 chapter / heading / subheading % | top-3 | top-5 |');
  console.log('|---|---|---|---|---|---|');
  for (const row of scores) console.log(row);
  if (styles.length) {
    console.log('');
    console.log('| set | style | rows | served chapter top-1 % | BM25 | linear n-gram |');
    console.log('|---|---|---|---|---|---|');
    for (const row of styles) console.log(row);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
