import { createReadStream } from 'node:fs';
import { delimitedRowBatches } from '../../models/data-files/delimited-rows';
import { requireColumns } from './columns';
import type { RawRecord } from './types';

export interface DelimitedColumns {
  text: string;
  code: string;
}

/**
 * Streams a CSV or TSV file, a batch of records at a time. The first non-blank record is the
 * header; a record the parser cannot read becomes a record with `problem` set, so the caller
 * can reject it with its line number instead of losing it.
 */
export async function* readDelimitedBatches(
  file: string,
  delimiter: string,
  onColumns?: (columns: DelimitedColumns) => void,
): AsyncGenerator<RawRecord[]> {
  const input = createReadStream(file, { highWaterMark: 1024 * 1024 });
  let header: string[] | undefined;
  let textIndex = -1;
  let codeIndex = -1;
  for await (const rows of delimitedRowBatches(input, delimiter)) {
    const records: RawRecord[] = [];
    for (const row of rows) {
      if ('problem' in row) {
        const { line, problem } = row;
        records.push({ file, line, fields: {}, text: undefined, code: undefined, problem });
        continue;
      }
      const { line, values } = row;
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
