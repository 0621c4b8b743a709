import Table from 'cli-table3';
import { Command, InvalidArgumentError } from 'commander';
import { createInterface } from 'node:readline';
import { hscodeHome } from '../../models/store-layout';
import { MAX_TOP_K } from '../../runtime/core/classifier';
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
    ? `\nwhy: ${prediction.explanation.map((w) => `${w.word} (${w.weight >= 0 ? '+' : ''}${w.weight.toFixed(2)})`).join(', ')}`
    : '';
  return `${head}\n${rows.toString()}${why}\nprediction ${prediction.predictionId} · ${prediction.variant}/${prediction.modelVersion}\n`;
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('Classify descriptions with the local champion (arguments, or one per line on stdin)')
    .argument('[descriptions...]', 'product descriptions; none: read lines from stdin')
    .option('--top <k>', `candidates per description (1..${MAX_TOP_K})`, topK, 5)
    .option('--explain', 'show the words that drove the top code')
    .option('--key <key>', 'A/B routing key (the same key always reaches the same model)')
    .option('--json', 'print the API response as JSON')
    .addHelpText(
      'after',
      `
Uses the model the registry in $HSCODE_HOME (default ./var) names as champion, exactly as the
server does, and writes the same audit records, so feedback can refer to these prediction ids.

Examples:
  $ hscode predict "men's cotton knitted t-shirt" --explain
  $ cut -d, -f1 products.csv | hscode predict --json > predictions.json`,
    )
    .action(
      async (given: string[], opts: { top: number; explain?: boolean; key?: string; json?: boolean }) => {
        const descriptions = given.length ? given : await readStdinLines();
        if (descriptions.length === 0) {
          throw new Error(
            'nothing to classify: pass descriptions as arguments or pipe one per line on stdin',
          );
        }
        const log = (line: string) => process.stderr.write(`${line}\n`);
        // Loaded on use, so that the other commands do not start ONNX Runtime.
        const { openLocalService } = await import('../../runtime/local/local-service');
        const { service } = await openLocalService({ home: hscodeHome(), log });
        try {
          // The service's request limit applies per call; a long stdin is sent in slices of it.
          const predictions: PredictionResult[] = [];
          let latencyMs = 0;
          for (let start = 0; start < descriptions.length; start += 256) {
            const slice = descriptions.slice(start, start + 256);
            const response = await service.predict({
              descriptions: slice,
              topK: opts.top,
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
      },
    );
}
