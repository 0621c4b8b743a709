import { parse, type CsvError, type Info } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { requireColumns } from './columns';
import { streamBatches } from './stream-batches';
import type { RawRecord } from './types';

/** Large enough for any description; small enough that one unbalanced quote cannot eat the memory. */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;

export interface DelimitedColumns {
  text: string;
  code: string;
}

/**
 * Streams a CSV or TSV file, a batch of records at a time. The first non-blank record is the
 * header; rows with only empty fields (spreadsheets export them for formatted but empty rows)
 * are skipped because they hold no data. A record the parser cannot read becomes a record
 * with `problem` set, so the caller can reject it with its line number instead of losing it.
 */
export async function* readDelimitedBatches(
  file: string,
  delimiter: string,
  onColumns?: (columns: DelimitedColumns) => void,
): AsyncGenerator<RawRecord[]> {
  const skipped: Array<{ afterRecords: number; record: RawRecord }> = [];
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
      const line = lines.startOfSkipped(context);
      skipped.push({
        afterRecords: context.records ?? 0,
        record: {
          file,
          line,
          fields: {},
          text: undefined,
          code: undefined,
          problem: describeParseError(error),
        },
      });
    },
  });
  pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), parser, () => {
    // Errors reach the consumer through the parser, in streamBatches.
  });

  let header: string[] | undefined;
  let textIndex = -1;
  let codeIndex = -1;
  let consumed = 0;
  for await (const batch of streamBatches<string[]>(parser)) {
    const records: RawRecord[] = [];
    for (const values of batch) {
      consumed++;
      while (skipped[0] && skipped[0].afterRecords < consumed) records.push(skipped.shift()!.record);
      const line = lines.startOf(values);
      if (isBlank(values)) continue;
      if (!header) {
        header = uniqueNames(values);
        const columns = requireColumns(file, header);
        textIndex = header.indexOf(columns.text);
        codeIndex = header.indexOf(columns.code);
        onColumns?.(columns);
        continue;
      }
      records.push(new DelimitedRecord(file, line, header, values, values[textIndex], values[codeIndex]));
    }
    if (records.length > 0) yield records;
  }
  if (skipped.length > 0) yield skipped.map((s) => s.record);
}

/** A CSV/TSV record; its fields object is only built when a rejection needs it. */
class DelimitedRecord implements RawRecord {
  constructor(
    readonly file: string,
    readonly line: number,
    private readonly header: readonly string[],
    private readonly values: readonly string[],
    readonly text: string | undefined,
    readonly code: string | undefined,
  ) {}

  get fields(): Record<string, string> {
    const fields: Record<string, string> = {};
    this.values.forEach((value, i) => (fields[this.header[i] ?? `extra_${i + 1}`] = value));
    return fields;
  }
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

  startOfSkipped(error: Partial<Info>): number {
    const start = this.lastEnd + 1;
    this.lastEnd = Math.max(start, error.lines ?? start);
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

/** Header names made unique, so no field is lost from the rejects file. */
function uniqueNames(header: readonly string[]): string[] {
  const seen = new Set<string>();
  return header.map((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`;
    let name = base;
    for (let n = 2; seen.has(name); n++) name = `${base}_${n}`;
    seen.add(name);
    return name;
  });
}
