import Table from 'cli-table3';
import { Command, InvalidArgumentError } from 'commander';
import { createInterface } from 'node:readline';
import { hscodeHome } from '../../models/store-layout';
import { ID_COLUMNS, TEXT_COLUMNS } from '../../models/data-files/columns';
import { MAX_TOP_K } from '../../runtime/core/classifier';
import { DEFAULT_TOP_K } from '../../runtime/core/predict-request';
import type { PredictionResult } from '../../runtime/core/predict-service';

const topK = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP_K)
    throw new InvalidArgumentError(`expected 1..${MAX_TOP_K}`);
  return n;
};

async function readStdinLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() !== '') lines.push(line);
  }
  return lines;
}

const formatHs6 = (hs6: string) => `${hs6.slice(0, 4)}.${hs6.slice(4)}`;

function table(description: string, prediction: PredictionResult): string {
  const head = `${description}${prediction.needsReview ? '   ⚠ needs review' : ''}`;
  const rows = new Table({
    head: ['#', 'HS6', 'probability', 'description'],
    colWidths: [4, 10, 13, 70],
    wordWrap: true,
  });
  prediction.candidates.forEach((c, i) =>
    rows.push([String(i + 1), formatHs6(c.hs6), `${(100 * c.probability).toFixed(1)}%`, c.description]),
  );
  const why = prediction.explanation?.length
    ? `\nwhy: ${prediction.explanation.map((w) => `${w.word}${w.readAs ? ` [read as ${w.readAs}]` : ''} (${w.weight >= 0 ? '+' : ''}${w.weight.toFixed(2)})`).join(', ')}`
    : '';
  return `${head}\n${rows.toString()}${why}\nprediction ${prediction.predictionId} · ${prediction.variant}/${prediction.modelVersion}\n`;
}

interface PredictOptions {
  top?: number;
  explain?: boolean;
  key?: string;
  json?: boolean;
  file?: string;
  out?: string;
}

async function openService() {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // Loaded on use, so that the other commands do not start ONNX Runtime.
  const { openLocalService } = await import('../../runtime/local/local-service');
  return (await openLocalService({ home: hscodeHome(), log })).service;
}

/** `--file`: a whole file through the batch core, the summary on stdout. */
async function predictWholeFile(opts: PredictOptions & { file: string }): Promise<void> {
  if (opts.explain)
    throw new Error('--explain is for descriptions given as arguments or on stdin, not --file');
  const [{ predictFile, formatBatchSummary }, { DEFAULT_BATCH_TOP_K }] = await Promise.all([
    import('../predict-file'),
    import('../../runtime/batch/run-batch'),
  ]);
  const service = await openService();
  try {
    const summary = await predictFile(service, {
      file: opts.file,
      ...(opts.out === undefined ? {} : { out: opts.out }),
      topK: opts.top ?? DEFAULT_BATCH_TOP_K,
      ...(opts.key === undefined ? {} : { key: opts.key }),
    });
    process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : formatBatchSummary(summary));
    if (summary.error) process.exitCode = 1;
  } finally {
    await service.close();
  }
}

export function predictCommand(): Command {
  return new Command('predict')
    .description(
      'Classify descriptions with the local champion: arguments, one per line on stdin, or a whole CSV/TSV/JSONL file',
    )
    .argument('[descriptions...]', 'product descriptions; none: read lines from stdin')
    .option('--top <k>', `candidates per description (1..${MAX_TOP_K}; default 5, or 3 with --file)`, topK)
    .option('--explain', 'show the words that drove the top code')
    .option('--key <key>', 'A/B routing key (the same key always reaches the same model)')
    .option('--json', 'print the API response (with --file: the summary) as JSON')
    .option('--file <path>', 'predict every row of a CSV, TSV or JSONL file of descriptions into a CSV')
    .option('--out <path>', 'with --file: where the predictions go (default: <file>.predictions.csv)')
    .addHelpText(
      'after',
      `
Uses the model the registry in $HSCODE_HOME (default ./var) names as champion, exactly as the
server does, and writes the same audit records, so feedback can refer to these prediction ids.

With --file, the input is read as a stream, whatever its size:
  CSV or TSV   a header naming the description column (any case), one of
                 ${TEXT_COLUMNS.join(', ')}
               and optionally an id column, carried through, one of
                 ${ID_COLUMNS.join(', ')}
               or a single column without a header
  JSONL        one object per line: {"description": "…"} or {"text": "…"}, optionally "id"
The output CSV has one row per description: line, id (when given), description, hs6_1,
probability_1 … hs6_k, probability_k, needs_review, model_variant, model_version, prediction_id.
Rows that cannot be predicted (blank, over 1,000 characters, malformed) are listed with their
line numbers beside the output, in <name>.rejects.csv; <name>.summary.json holds the counts,
the models and the top chapters (<name>: the output without .csv).
Cells starting with = + - @ get a leading ' so spreadsheets do not run them as formulas.

Examples:
  $ hscode predict "men's cotton knitted t-shirt" --explain
  $ cut -d, -f1 products.csv | hscode predict --json > predictions.json
  $ hscode predict --file products.csv                 # → products.predictions.csv
  $ hscode predict --file orders.jsonl --out q1.csv --top 5`,
    )
    .action(async (given: string[], opts: PredictOptions) => {
      if (opts.file !== undefined) {
        if (given.length > 0) throw new Error('give descriptions or --file, not both');
        await predictWholeFile({ ...opts, file: opts.file });
        return;
      }
      if (opts.out !== undefined) throw new Error('--out goes with --file');
      await predictDescriptions(given, opts);
    });
}

/** Descriptions as arguments or stdin lines, sent in slices of the service's request limit. */
async function predictDescriptions(given: string[], opts: PredictOptions): Promise<void> {
  const descriptions = given.length ? given : await readStdinLines();
  if (descriptions.length === 0) {
    throw new Error('nothing to classify: pass descriptions as arguments or pipe one per line on stdin');
  }
  const service = await openService();
  try {
    const predictions: PredictionResult[] = [];
    let latencyMs = 0;
    for (let start = 0; start < descriptions.length; start += service.limits.maxItems) {
      const slice = descriptions.slice(start, start + service.limits.maxItems);
      const response = await service.predict({
        descriptions: slice,
        topK: opts.top ?? DEFAULT_TOP_K,
        explain: Boolean(opts.explain),
        ...(opts.key === undefined ? {} : { key: opts.key }),
      });
      predictions.push(...response.predictions);
      latencyMs += response.latencyMs;
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ predictions, latencyMs }, null, 2)}\n`);
    } else {
      process.stdout.write(predictions.map((p, i) => table(descriptions[i] as string, p)).join('\n'));
    }
  } finally {
    await service.close();
  }
}
