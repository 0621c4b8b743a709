import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { chooseColumns, requireColumns, type ColumnChoice } from './columns';
import type { RawRecord } from './types';

/** How much of an unparsable line is kept in the rejects file. */
const RAW_LINE_LIMIT = 2000;
const BATCH_LINES = 4096;

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
  for await (const lines of lineBatches(file)) {
    const records: RawRecord[] = [];
    for (const line of lines) {
      const record = parser.next(line);
      if (record) records.push(record);
    }
    if (records.length > 0) yield records;
  }
}

/** readline's lines in arrays; reading pauses while a batch waits for its consumer. */
async function* lineBatches(file: string): AsyncGenerator<string[]> {
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 });
  const reader = createInterface({ input, crlfDelay: Infinity });
  let pending: string[] = [];
  let closed = false;
  let failure: unknown;
  let wake: () => void = () => {};
  const signal = () => {
    const resume = wake;
    wake = () => {};
    resume();
  };
  reader.on('line', (line) => {
    pending.push(line);
    if (pending.length >= BATCH_LINES) reader.pause();
    signal();
  });
  reader.on('close', () => {
    closed = true;
    signal();
  });
  input.on('error', (error) => {
    failure = error;
    signal();
  });
  try {
    for (;;) {
      if (failure !== undefined) throw failure;
      if (pending.length > 0) {
        const lines = pending;
        pending = [];
        yield lines;
        reader.resume();
        continue;
      }
      if (closed) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    reader.close();
    input.destroy();
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
    const parsed = parseObject(text);
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
      text: columns.text === undefined ? undefined : asText(parsed[columns.text]),
      code: columns.code === undefined ? undefined : asText(parsed[columns.code]),
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

/** The object on a line, or why there is none. */
function parseObject(line: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `the line is not valid JSON (${(error as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'the line is valid JSON but not an object: write one {"description": …, "hs_code": …} object per line';
  }
  return value as Record<string, unknown>;
}

/** JSON numbers are kept as written, so a code stored as a number still shows a lost leading zero. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
