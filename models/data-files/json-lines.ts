import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

const BATCH_LINES = 4096;

/** How much of an unparsable line a rejects file keeps. */
export const RAW_LINE_LIMIT = 2000;

/**
 * The lines of a text stream in arrays, for JSONL readers; reading pauses while a batch waits
 * for its consumer, so a file of any size streams through in bounded memory. Line i of the
 * whole stream (from 1) is the i-th line yielded.
 */
export async function* lineBatches(input: Readable): AsyncGenerator<string[]> {
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

/**
 * The object on a JSONL line, or a sentence saying why there is none; `example` shows the
 * object the reader expects (e.g. `{"description": …}`).
 */
export function parseJsonObjectLine(line: string, example: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `the line is not valid JSON (${(error as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `the line is valid JSON but not an object: write one ${example} object per line`;
  }
  return value as Record<string, unknown>;
}

/** A field's value as text: JSON numbers are kept as written, objects as JSON. */
export function fieldText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
