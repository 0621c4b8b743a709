import { Command, InvalidArgumentError } from 'commander';
import type { IngestReport } from '../../training/ingest';
import { DEFAULT_MAX_TEXT_LENGTH } from '../../training/ingest/row-validator';
import { errorMessage } from '../../runtime/core/errors';

/** Exit codes scripts can rely on. */
export const DATA_CHECK_EXIT = { clean: 0, rowsRejected: 1, fileUnusable: 2 } as const;

const positiveWholeNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};

/** Where the command prints; tests pass their own, the CLI the process streams. */
export interface CommandOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export function dataCommand(output: CommandOutput = processOutput): Command {
  const data = new Command('data').description('Work with labelled data files (CSV, TSV, JSONL)');
  data
    .command('check')
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .description('Validate labelled files the way training reads them, and summarise what would be kept')
    .argument('<files...>', 'CSV, TSV or JSONL files with a description and an HS code column')
    .option('--rejects <path>', 'write rejected rows here as JSONL (default: <first file>.rejects.jsonl)')
    .option(
      '--max-length <n>',
      'longest description accepted, in characters',
      positiveWholeNumber,
      DEFAULT_MAX_TEXT_LENGTH,
    )
    .option('--json', 'print the report as JSON instead of tables')
    .addHelpText(
      'after',
      `
Columns: "description" (or text, product, product_description, goods_description, item, name)
and "hs_code" (or hs, hscode, hs6, code, hts, hts_code, tariff_code, commodity_code,
expected_hs_code), case-insensitive. Codes may have 6 to 10 digits with dots, spaces or dashes
(6109.10.00.12); they must be HS 2022 subheadings.

Examples:
  $ hscode data check declarations.csv
  $ hscode data check invoices-2024.tsv invoices-2025.jsonl --rejects rejected.jsonl
  $ hscode data check declarations.csv --json | jq .total

Every rejected row is written to the rejects file with its line number, reason and fields.
Exit status: 0 every row accepted, 1 some rows rejected, 2 a file could not be used at all.`,
    )
    .action(async (files: string[], opts: { rejects?: string; maxLength: number; json?: boolean }) => {
      // Loaded on use, so that other commands (a server's cold start above all) do not pay for it.
      const { defaultRejectsPath, formatIngestReport, ingestFiles } = await import('../../training/ingest');
      let report: IngestReport;
      try {
        ({ report } = await ingestFiles(files, {
          rejectsPath: opts.rejects ?? defaultRejectsPath(files[0]!),
          maxTextLength: opts.maxLength,
          onFileError: 'report',
        }));
      } catch (error) {
        output.err(`hscode data check: ${errorMessage(error)}\n`);
        process.exitCode = DATA_CHECK_EXIT.fileUnusable;
        return;
      }
      if (opts.json) {
        output.out(`${JSON.stringify(report, null, 2)}\n`);
        for (const file of report.files) {
          if (file.error) output.err(`hscode data check: cannot use ${file.error.message}\n`);
        }
      } else {
        output.out(`${formatIngestReport(report)}\n`);
      }
      process.exitCode = exitCodeOf(report);
    });
  return data;
}

export function exitCodeOf(report: IngestReport): number {
  if (report.files.some((f) => f.error)) return DATA_CHECK_EXIT.fileUnusable;
  return report.total.rejected > 0 ? DATA_CHECK_EXIT.rowsRejected : DATA_CHECK_EXIT.clean;
}
