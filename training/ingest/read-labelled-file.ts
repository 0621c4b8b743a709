import { asFileError, detectFormat } from './detect-format';
import { readDelimitedBatches } from './read-delimited';
import { readJsonlBatches } from './read-jsonl';
import type { LabelledFileFormat, RawRecord } from './types';

export interface FileLayoutInfo {
  format: LabelledFileFormat;
  /** Header names (CSV/TSV) or keys (JSONL, first object) used for the description and the code. */
  textColumn?: string;
  codeColumn?: string;
}

export interface ReadLabelledFileOptions {
  /** Called once the format and the columns are known, before the first record. */
  onLayout?: (layout: FileLayoutInfo) => void;
}

/**
 * Every record of a CSV, TSV or JSONL file, streamed, with its physical line number. Throws
 * `IngestFileError` when the file cannot be used at all (missing, unknown format, no columns).
 */
export async function* readLabelledFile(
  file: string,
  options: ReadLabelledFileOptions = {},
): AsyncGenerator<RawRecord> {
  for await (const batch of readLabelledBatches(file, options)) yield* batch;
}

/** The same records in arrays, for callers that go through millions of them. */
export async function* readLabelledBatches(
  file: string,
  options: ReadLabelledFileOptions = {},
): AsyncGenerator<RawRecord[]> {
  const { format, delimiter } = await detectFormat(file);
  const announce = (columns: { text?: string; code?: string }) =>
    options.onLayout?.({ format, textColumn: columns.text, codeColumn: columns.code });
  const batches =
    format === 'jsonl' ? readJsonlBatches(file, announce) : readDelimitedBatches(file, delimiter, announce);
  try {
    yield* batches;
  } catch (error) {
    throw asFileError(file, error);
  }
}
