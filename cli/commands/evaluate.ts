import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { hscodeHome } from '../../models/store-layout';
import { DEFAULT_VARIANT, VARIANTS } from '../../models/variants';
import { DEVELOPMENT_SET } from '../../training/defaults';
import { projectFile } from '../../models/paths';

const fraction = (value: string) => {
  const x = Number(value);
  if (!(x > 0 && x < 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return x;
};

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The model's own review rule and what it does on these rows. */
function reviewLine(
  abstain: { threshold: number; targetPrecision: number; coverage: number; precision: number },
  observed: { coverage: number; precision: number } | undefined,
): string {
  const claim = `review below ${abstain.threshold.toFixed(3)} (chosen for ${pct(abstain.targetPrecision)} chapter precision: ${pct(abstain.coverage)} answered at ${pct(abstain.precision)} on its calibration rows, held-out rows cut to short trader phrases)`;
  return observed ? `${claim}; here ${pct(observed.coverage)} answered at ${pct(observed.precision)}` : claim;
}

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description(
      'Score a model (as served, and its network alone) beside the BM25 and linear n-gram baselines on labelled data; print the table and write an HTML report',
    )
    .option('--model <dir>', 'artifact folder (default: the newest model of --variant in $HSCODE_HOME)')
    .addOption(
      new Option('--variant <name>', 'variant whose newest local model to use')
        .choices(Object.keys(VARIANTS))
        .default(DEFAULT_VARIANT),
    )
    .option(
      '--data <files...>',
      `labelled CSV/TSV/JSONL files (default: the development set, ${DEVELOPMENT_SET})`,
    )
    .option(
      '--target-precision <x>',
      'chapter precision the abstain threshold must reach on these rows (shown beside the model’s own threshold)',
      fraction,
    )
    .option(
      '--no-linear',
      'skip the linear n-gram baseline (trained on the default corpus’ training split, about a minute)',
    )
    .option(
      '--noisy [seed]',
      'also score a seeded noisy copy of the data (typos, casing, trader abbreviations, invoice suffixes)',
    )
    .option('--json', 'print one JSON object to stdout instead of the table')
    .option('--no-report', 'do not write evaluation.html next to the model')
    .addHelpText(
      'after',
      `
Examples:
  $ hscode evaluate                                  # newest local Text-CNN on the 78 development cases
  $ hscode evaluate --model var/models/bigru/<version> --data held-out.csv --json

Accuracy is reported at chapter (2 digits), heading (4) and subheading (6): a heading's
probability is the sum of its subheadings'. Fractions in --json output are 0..1.`,
    )
    .action(async (opts) => {
      // Loaded here rather than at the top so that other commands, above all a server's cold
      // start, do not pay for the evaluation code.
      const [
        { servedModelOf },
        { linearBaselineFor },
        { loadNomenclature },
        { readArtifactDir },
        { evaluateRows, headline },
        { formatComparisonTable },
        { renderReport },
        { ingestFiles },
        { resolveModelDir },
        { noisyCopies },
      ] = await Promise.all([
        import('../../training/served-model'),
        import('../../training/linear/baseline-for-model'),
        import('../../models/hs/nomenclature'),
        import('../../training/artifact-reader'),
        import('../../training/evaluate-artifact'),
        import('../../training/evaluate/format'),
        import('../../training/evaluate/report'),
        import('../../training/ingest'),
        import('../model-location'),
        import('../../training/evaluate/noise'),
      ]);
      const dir = resolveModelDir(hscodeHome(), opts.variant, opts.model);
      const artifact = readArtifactDir(dir);
      const files: string[] = opts.data ?? [projectFile(DEVELOPMENT_SET)];
      const { rows, report } = await ingestFiles(files, { collect: true });
      if (rows.length === 0)
        throw new Error(`no usable rows in ${files.join(', ')}: run "hscode data check" on it`);
      const targetPrecision = opts.targetPrecision ?? artifact.manifest.abstain.targetPrecision;
      const { linear, reason } = opts.linear
        ? linearBaselineFor(artifact.manifest, artifact.labels)
        : { linear: undefined, reason: undefined };
      if (reason) process.stderr.write(`no linear baseline: ${reason}\n`);
      const served = servedModelOf(artifact);
      const evaluate = (on: typeof rows) =>
        evaluateRows(served, on, {
          targetPrecision,
          reviewThreshold: artifact.manifest.abstain.threshold,
          ...(linear && { linear }),
        });
      const scores = await evaluate(rows);
      const noiseSeed = opts.noisy === true ? 'evaluate-noisy' : opts.noisy;
      const noisy =
        typeof noiseSeed === 'string'
          ? await evaluate(
              noisyCopies(
                rows.map((r, i) => ({ ...r, id: String(i), description: r.text })),
                noiseSeed,
              ).map((r) => ({ text: r.description, hs6: r.hs6 })),
            )
          : undefined;
      const columnsOf = (evaluation: typeof scores) => [
        { name: 'served', scores: headline(evaluation.model) },
        { name: 'network alone', scores: headline(evaluation.network) },
        { name: 'BM25', scores: headline(evaluation.baseline), baseline: true },
        ...(evaluation.linear
          ? [{ name: 'linear n-gram', scores: headline(evaluation.linear), baseline: true }]
          : []),
      ];
      const rejected = report.total.rejected;

      let reportPath: string | undefined;
      if (opts.report) {
        reportPath = join(dir, 'evaluation.html');
        const chapterNames = Object.fromEntries(
          [...loadNomenclature().chapters.values()].map((c) => [c.code, c.description]),
        );
        writeFileSync(
          reportPath,
          renderReport({
            variant: artifact.manifest.variant,
            modelVersion: artifact.manifest.version,
            dataSha256: artifact.manifest.data.sha256,
            date: new Date().toISOString(),
            dataset: `${files.map((f) => relative(process.cwd(), f)).join(', ')} (${rows.length} rows)`,
            model: scores.model,
            baseline: headline(scores.baseline),
            sets: [
              { name: `${rows.length} rows`, evaluation: scores },
              ...(noisy ? [{ name: `their noisy copy (seed ${String(noiseSeed)})`, evaluation: noisy }] : []),
            ],
            review: { level: 'hs6', rows: 0, ...artifact.manifest.abstain },
            history: artifact.manifest.training.history,
            chapterNames,
          }),
        );
      }

      if (opts.json) {
        const output = {
          model: { dir, variant: artifact.manifest.variant, version: artifact.manifest.version },
          data: files,
          rejectedRows: rejected,
          ...scores.model,
          network: headline(scores.network),
          baseline: headline(scores.baseline),
          linearBaseline: scores.linear ? headline(scores.linear) : null,
          noisy: noisy
            ? {
                seed: noiseSeed,
                model: headline(noisy.model),
                network: headline(noisy.network),
                baseline: headline(noisy.baseline),
                linearBaseline: noisy.linear ? headline(noisy.linear) : null,
              }
            : null,
          report: reportPath ?? null,
        };
        process.stdout.write(`${JSON.stringify(output)}\n`);
        return;
      }
      process.stdout.write(
        [
          `model ${artifact.manifest.version} on ${rows.length} rows${rejected ? ` (${rejected} rejected: run "hscode data check" on the file to see why)` : ''}`,
          formatComparisonTable(columnsOf(scores)),
          ...(noisy
            ? [`noisy copy (seed ${String(noiseSeed)}):`, formatComparisonTable(columnsOf(noisy))]
            : []),
          reviewLine(artifact.manifest.abstain, scores.model.review),
          `a threshold chosen on these rows for ${(100 * targetPrecision).toFixed(0)}% chapter precision: ${scores.model.abstain.threshold.toFixed(3)} → ${(100 * scores.model.abstain.coverage).toFixed(1)}% answered at ${(100 * scores.model.abstain.precision).toFixed(1)}%`,
          ...(reportPath ? [`report ${relative(process.cwd(), reportPath)}`] : []),
          '',
        ].join('\n'),
      );
    });
}
