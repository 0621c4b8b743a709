import { open } from 'node:fs/promises';
import { firstLineOf, layoutOf, type FileLayout } from '../../models/data-files/layout';
import { IngestFileError } from './file-error';

export type { FileLayout } from '../../models/data-files/layout';

const SNIFF_BYTES = 64 * 1024;

/**
 * The format from the extension, else from the first line; for CSV also the delimiter, since
 * spreadsheets set to many European locales write ';'-separated ".csv" files.
 */
export async function detectFormat(file: string): Promise<FileLayout> {
  const layout = layoutOf(file, await readFirstLine(file));
  if (layout === 'json-array') {
    throw new IngestFileError(
      file,
      'unknown-format',
      'this looks like a JSON array; write one JSON object per line (JSONL) with "description" and "hs_code" keys',
    );
  }
  if (layout === 'unknown') {
    throw new IngestFileError(
      file,
      'unknown-format',
      'unknown format: the name does not end in .csv, .tsv, .jsonl or .ndjson and the first line is neither ' +
        'a JSON object nor a header with commas, semicolons or tabs. Rename the file or fix its header.',
    );
  }
  return layout;
}

async function readFirstLine(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    if (bytesRead === 0) throw new IngestFileError(file, 'no-rows', 'the file is empty');
    return firstLineOf(buffer.subarray(0, bytesRead).toString('utf8'));
  } catch (error) {
    throw asFileError(file, error);
  } finally {
    await handle?.close();
  }
}

/** Operating-system errors as messages a user can act on. */
export function asFileError(file: string, error: unknown): unknown {
  if (error instanceof IngestFileError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new IngestFileError(file, 'missing', 'no such file: check the path');
  if (code === 'EISDIR') {
    return new IngestFileError(file, 'unreadable', 'this is a folder: name the data files inside it');
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new IngestFileError(file, 'unreadable', 'permission denied: make the file readable');
  }
  return error;
}
