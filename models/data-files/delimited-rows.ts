import { parse, type CsvError, type Info } from 'csv-parse';
import { pipeline, type Readable } from 'node:stream';
import { streamBatches } from './stream-batches';

/** Large enough for any description; small enough that one unbalanced quote cannot eat the memory. */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/**
 * One record of a CSV or TSV file: its fields, or, when the parser could not read it, a sentence
 * saying why. `line` is the physical line where it starts (the header is line 1).
 */
export type DelimitedRow = { line: number; values: string[] } | { line: number; problem: string };

/**
 * Streams the records of CSV or TSV bytes, a batch at a time. Rows with only empty fields
 * (spreadsheets export them for formatted but empty rows) are skipped because they hold no data;
 * a record the parser cannot read comes through with `problem` set, in its place, so the caller
 * can reject it with its line number instead of losing it. Rows may have any number of fields:
 * the caller decides what a wrong count means.
 */
export async function* delimitedRowBatches(
  input: Readable,
  delimiter: string,
): AsyncGenerator<DelimitedRow[]> {
  const skipped: Array<{ afterRecords: number; endLine: number | undefined; problem: string }> = [];
  const inOrder = (s: { endLine: number | undefined; problem: string }): DelimitedRow => ({
    line: lines.startOfSkipped(s.endLine),
    problem: s.problem,
  });
  const lines = new LineTracker();
  const parser = parse({
    // No skip_empty_lines: blank lines come through as [''] and are dropped below, and seeing
    // them is what keeps line numbers exact without csv-parse's `info`, which costs 2/3 of
    // the throughput.
    delimiter,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (error) => {
      if (!error) return;
      // csv-parse copies its counters onto the error; the typings do not say so.
      const context = error as CsvError & Partial<Info>;
      // Its line is worked out when it is handed on in order: the parser runs ahead of the reader.
      skipped.push({
        afterRecords: context.records ?? 0,
        endLine: context.lines,
        problem: describeParseError(error),
      });
    },
  });
  pipeline(input, parser, () => {
    // Errors reach the consumer through the parser, in streamBatches.
  });

  let consumed = 0;
  for await (const batch of streamBatches<string[]>(parser)) {
    const rows: DelimitedRow[] = [];
    for (const values of batch) {
      consumed++;
      while (skipped[0] && skipped[0].afterRecords < consumed) rows.push(inOrder(skipped.shift()!));
      const line = lines.startOf(values);
      if (!isBlank(values)) rows.push({ line, values });
    }
    if (rows.length > 0) yield rows;
  }
  if (skipped.length > 0) yield skipped.map(inOrder);
}

function isBlank(values: readonly string[]): boolean {
  for (const value of values) if (value.trim() !== '') return false;
  return true;
}

/**
 * Physical line numbers: a record starts on the line after the previous one ended, and ends
 * as many lines later as it has line breaks inside quoted fields. (csv-parse's own count is
 * the line a record ends on, and it counts a CRLF inside quotes as two lines.)
 */
class LineTracker {
  private lastEnd = 0;

  startOf(values: readonly string[]): number {
    const start = this.lastEnd + 1;
    let breaks = 0;
    for (const value of values) {
      if (value.includes('\n') || value.includes('\r')) breaks += value.match(/\r\n|\r|\n/g)?.length ?? 0;
    }
    this.lastEnd = start + breaks;
    return start;
  }

  /** A record the parser skipped, which ended on `endLine` by csv-parse's count. */
  startOfSkipped(endLine: number | undefined): number {
    const start = this.lastEnd + 1;
    this.lastEnd = Math.max(start, endLine ?? start);
    return start;
  }
}

function describeParseError(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return (
        'a double quote opened in this record is never closed, so the rest of the file could not be ' +
        'split into rows: balance the quotes (write "" for a literal quote inside a quoted field)'
      );
    case 'CSV_MAX_RECORD_SIZE':
      return (
        `this record is over ${MAX_RECORD_BYTES / 1024 / 1024} MB, almost certainly because of an ` +
        'unbalanced double quote; the rest of the file was not read: balance the quotes'
      );
    default:
      return `the record could not be parsed (${error.message})`;
  }
}
