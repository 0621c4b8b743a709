import { createReadStream } from 'node:fs';
import {
  fieldText,
  lineBatches,
  parseJsonObjectLine,
  RAW_LINE_LIMIT,
} from '../../models/data-files/json-lines';
import { chooseColumns, requireColumns, type ColumnChoice } from './columns';
import type { RawRecord } from './types';

const EXAMPLE = '{"description": …, "hs_code": …}';

/**
 * Streams a JSONL file, a batch of lines at a time. Keys are matched per object (objects may
 * differ), but the first object must have both a description and a code key, or the whole
 * file is refused: then it is almost certainly not a labelled file.
 */
export async function* readJsonlBatches(
  file: string,
  onColumns?: (columns: ColumnChoice) => void,
): AsyncGenerator<RawRecord[]> {
  const parser = new JsonlRecords(file, onColumns);
  for await (const lines of lineBatches(
    createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 }),
  )) {
    const records: RawRecord[] = [];
    for (const line of lines) {
      const record = parser.next(line);
      if (record) records.push(record);
    }
    if (records.length > 0) yield records;
  }
}

/** Turns lines into records, remembering line numbers and the column choice per key set. */
class JsonlRecords {
  private lineNumber = 0;
  private checkedFirst = false;
  private readonly choices = new Map<string, ColumnChoice>();

  constructor(
    private readonly file: string,
    private readonly onColumns?: (columns: ColumnChoice) => void,
  ) {}

  next(rawLine: string): RawRecord | undefined {
    const file = this.file;
    const line = ++this.lineNumber;
    const text = line === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (text.trim() === '') return undefined;
    const parsed = parseJsonObjectLine(text, EXAMPLE);
    if (typeof parsed === 'string') {
      return {
        file,
        line,
        fields: { unparsed: text.slice(0, RAW_LINE_LIMIT) },
        text: undefined,
        code: undefined,
        problem: parsed,
      };
    }
    const columns = this.columnsOf(parsed);
    return {
      file,
      line,
      fields: parsed,
      text: columns.text === undefined ? undefined : fieldText(parsed[columns.text]),
      code: columns.code === undefined ? undefined : fieldText(parsed[columns.code]),
    };
  }

  private columnsOf(object: Record<string, unknown>): ColumnChoice {
    const keys = Object.keys(object);
    const signature = keys.join('\u0000');
    let columns = this.choices.get(signature);
    if (!columns) {
      columns = this.checkedFirst ? chooseColumns(keys) : requireColumns(this.file, keys);
      this.choices.set(signature, columns);
    }
    if (!this.checkedFirst) {
      this.checkedFirst = true;
      this.onColumns?.(columns);
    }
    return columns;
  }
}
