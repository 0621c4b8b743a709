/**
 * Batch predictions: rows/s of a 100,000-row CSV file through the batch core (file read and
 * parsed as a stream, chunks of 256 through service.predict, CSV written atomically beside it)
 * against service.predict called directly on the same descriptions in chunks of 256, held in
 * memory, in the same process and run. The ratio is what streaming, parsing and writing cost.
 * Three alternating rounds of each; medians. Model: the catalogue's full-size Text-CNN with seeded
 * weights (inference costs what a trained one of the same shape costs), or a store's champion.
 *
 *   npx tsx bench/batch-predict.ts [--rows N] [--model-home DIR [--variant V --version X]]
 */
import { createReadStream, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { modelRefKey } from '../models/model-ref';
import { runBatchTo } from '../runtime/batch/batch-destination';
import { fileDestination } from '../runtime/batch/file-destination';
import { csvCell } from '../runtime/batch/csv-cells';
import { LocalAuditSink } from '../runtime/core/local-audit-sink';
import { PredictService } from '../runtime/core/predict-service';
import { LocalObjectStore } from '../runtime/store/local-store';
import { buildDefaultCorpus } from '../training/corpus';
import { servingBenchModel } from './bench-model';

const CHUNK = 256;
const ROUNDS = 3;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const rows = Number(flag('--rows') ?? 100_000);
  const corpus = buildDefaultCorpus().rows;
  const texts = Array.from(
    { length: rows },
    (_, i) => (corpus[(i * 7) % corpus.length] as { text: string }).text,
  );

  const { home, ref } = await servingBenchModel(
    flag,
    corpus.map((r) => r.text),
  );
  const work = mkdtempSync(join(tmpdir(), 'hscode-bench-batch-files-'));
  const input = join(work, 'products.csv');
  writeFileSync(input, `id,description\n${texts.map((text, i) => `${i},${csvCell(text)}`).join('\n')}\n`);

  const service = new PredictService({
    store: new LocalObjectStore(home),
    audit: new LocalAuditSink(work),
    registry: () => ({ champion: ref, challengers: [], shadows: [] }),
  });
  await service.preload();
  console.log(
    `# ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · onnxruntime-node ${ort.env.versions.node}`,
  );
  console.log(
    `model ${modelRefKey(ref)} · ${rows.toLocaleString('en')} rows, ${(statSync(input).size / 1e6).toFixed(1)} MB CSV, ` +
      `top-3, chunks of ${CHUNK}, ${ROUNDS} alternating rounds`,
  );
  for (let start = 0; start < 4 * CHUNK; start += CHUNK) {
    await service.predict({ descriptions: texts.slice(start, start + CHUNK), topK: 3 });
  }

  const direct: number[] = [];
  const batch: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let started = performance.now();
    for (let start = 0; start < rows; start += CHUNK) {
      await service.predict({ descriptions: texts.slice(start, start + CHUNK), topK: 3 });
    }
    await service.drain();
    direct.push(rows / ((performance.now() - started) / 1000));

    started = performance.now();
    const summary = await runBatchTo(fileDestination(join(work, 'products.predictions.csv')), {
      input: createReadStream(input),
      name: input,
      service,
      topK: 3,
    });
    batch.push(summary.rows.predicted / ((performance.now() - started) / 1000));
    if (summary.rows.predicted !== rows)
      throw new Error(`the batch predicted ${summary.rows.predicted} rows of ${rows}`);
    console.log(
      `round ${round + 1}: direct ${direct[round]?.toFixed(0)} rows/s · batch core ${batch[round]?.toFixed(0)} rows/s`,
    );
  }
  const ratio = median(direct) / median(batch);
  console.log(
    `median: service.predict in chunks ${median(direct).toFixed(0)} rows/s · batch core ${median(batch).toFixed(0)} rows/s · ` +
      `direct / batch = ${ratio.toFixed(2)} (streaming, parsing and writing cost ${((1 - 1 / ratio) * 100).toFixed(0)}% of the time)`,
  );
  await service.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
