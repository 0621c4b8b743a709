/**
 * End-to-end training benchmark: for each variant, default corpus → trained, exported and
 * scored artifact, with seconds per epoch, total seconds and accuracy on the held-out split and
 * the development set, beside the BM25 baseline. Prints a Markdown table for BENCHMARKS.md.
 *
 *   npx tsx bench/train-variants.ts [textcnn bigru dnn] [--home DIR]
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVariantName, type VariantName } from '../models/variants';
import { loadDevelopmentSet, loadTrainingData } from '../cli/training-data';
import { trainingProgressBar } from '../cli/progress-bar';
import { publishLocalModel } from '../runtime/local/local-models';
import { trainModel } from '../training/train';

const pct = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(1));

async function main() {
  const args = process.argv.slice(2);
  const homeFlag = args.indexOf('--home');
  const home = homeFlag >= 0 ? (args[homeFlag + 1] as string) : mkdtempSync(join(tmpdir(), 'hscode-bench-'));
  const variants = args.filter((a, i) => isVariantName(a) && i !== homeFlag + 1) as VariantName[];
  const run = variants.length ? variants : (['textcnn', 'bigru', 'dnn'] as VariantName[]);

  console.log(
    `# ${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model} · node ${process.version}`,
  );
  const rows: string[] = [];
  for (const variant of run) {
    const started = Date.now();
    const data = await loadTrainingData({ withDefaultCorpus: true });
    const development = await loadDevelopmentSet(undefined, true);
    const trained = await trainModel({
      variant,
      rows: data.rows,
      sources: data.sources,
      development,
      progress: trainingProgressBar(),
      log: (line) => console.error(line),
    });
    await publishLocalModel(home, trained);
    const { manifest } = trained;
    const seconds = (Date.now() - started) / 1000;
    const epochs = manifest.training.history.map((h) => h.seconds).sort((a, b) => a - b);
    const medianEpoch = epochs[Math.floor(epochs.length / 2)] ?? 0;
    const v = manifest.metrics.validation;
    const d = manifest.metrics.development;
    const b = manifest.metrics.developmentBaseline;
    const h = manifest.metrics.baseline;
    rows.push(
      `| ${variant} | ${manifest.training.backend} | ${manifest.training.history.length} (best ${manifest.training.bestEpoch}, ${manifest.training.stoppedBy}) | ${medianEpoch.toFixed(1)} | ${seconds.toFixed(0)} | ` +
        `${pct(v.top1.hs2)} / ${pct(v.top1.hs4)} / ${pct(v.top1.hs6)} | ${pct(v.top5.hs6)} | ` +
        `${pct(h?.top1.hs2)} / ${pct(h?.top1.hs4)} / ${pct(h?.top1.hs6)} | ${pct(h?.top5.hs6)} | ` +
        `${pct(d?.top1.hs2)} / ${pct(d?.top1.hs4)} / ${pct(d?.top1.hs6)} | ${pct(d?.top5.hs2)} / ${pct(d?.top5.hs4)} / ${pct(d?.top5.hs6)} | ` +
        `${pct(b?.top1.hs2)} / ${pct(b?.top1.hs4)} / ${pct(b?.top1.hs6)} | ${pct(b?.top5.hs2)} / ${pct(b?.top5.hs4)} / ${pct(b?.top5.hs6)} | ${manifest.onnx.sha256.slice(0, 12)} |`,
    );
    console.error(rows[rows.length - 1]);
  }
  console.log(
    '| variant | backend | epochs | s/epoch (median) | end to end, s | held-out top-1 hs2/hs4/hs6 % | held-out top-5 hs6 % | BM25 held-out top-1 | BM25 held-out top-5 hs6 | dev top-1 hs2/hs4/hs6 % | dev top-5 hs2/hs4/hs6 % | BM25 dev top-1 | BM25 dev top-5 | onnx sha256 |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
