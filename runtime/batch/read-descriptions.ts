import type { Readable } from 'node:stream';
import type { DataFileFormat } from '../../models/data-files/layout';
import type { BatchItem } from './batch-items';
import { batchInputLayout, SNIFF_BYTES } from './input-layout';
import { peekStream } from './peek-stream';
import { readDelimitedDescriptions } from './read-delimited-descriptions';
import { readJsonlDescriptions } from './read-jsonl-descriptions';

/** The names (as written in the input) of the columns read; none for a one-column file. */
export interface InputColumns {
  description?: string;
  id?: string;
}

export interface DescriptionInput {
  format: DataFileFormat;
  /** Rows and rejects in input order, a batch at a time. */
  items: AsyncGenerator<BatchItem[]>;
  /** Known once the first batch has been read (or the input ended): the header, or the first object. */
  columns(): InputColumns | undefined;
}

/**
 * Opens a batch input of descriptions: decides its layout from `name` and its first bytes, then
 * streams its rows. Throws BatchInputError when it is not a CSV, TSV or JSONL file of descriptions.
 */
export async function readDescriptions(
  source: AsyncIterable<Uint8Array> | Readable,
  name: string,
): Promise<DescriptionInput> {
  const { head, stream } = await peekStream(source, SNIFF_BYTES);
  let layout;
  try {
    layout = batchInputLayout(name, head);
  } catch (err) {
    stream.destroy();
    throw err;
  }
  let columns: InputColumns | undefined;
  const found = (chosen: InputColumns) => (columns = chosen);
  const items =
    layout.format === 'jsonl'
      ? readJsonlDescriptions(stream, found)
      : readDelimitedDescriptions(stream, layout.delimiter, found);
  return { format: layout.format, items, columns: () => columns };
}
