import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { IngestFileError } from './file-error';
import type { LabelledFileFormat } from './types';

export interface FileLayout {
  format: LabelledFileFormat;
  /** Field separator for CSV/TSV: ',' or ';' (spreadsheets in many locales) or a tab. */
  delimiter: string;
}

const BY_EXTENSION: Record<string, LabelledFileFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

const SNIFF_BYTES = 64 * 1024;

/**
 * The format from the extension, else from the first line; for CSV also the delimiter, since
 * spreadsheets set to many European locales write ';'-separated ".csv" files.
 */
export async function detectFormat(file: string): Promise<FileLayout> {
  const firstLine = await readFirstLine(file);
  const byExtension = BY_EXTENSION[extname(file).toLowerCase()];
  if (byExtension === 'jsonl') return { format: 'jsonl', delimiter: '' };
  if (byExtension === 'tsv') return { format: 'tsv', delimiter: '\t' };
  if (byExtension === 'csv') return { format: 'csv', delimiter: guessDelimiter(firstLine) ?? ',' };

  if (firstLine.trimStart().startsWith('{')) return { format: 'jsonl', delimiter: '' };
  if (firstLine.trimStart().startsWith('[')) {
    throw new IngestFileError(
      file,
      'unknown-format',
      'this looks like a JSON array; write one JSON object per line (JSONL) with "description" and "hs_code" keys',
    );
  }
  const delimiter = guessDelimiter(firstLine);
  if (delimiter === '\t') return { format: 'tsv', delimiter };
  if (delimiter) return { format: 'csv', delimiter };
  throw new IngestFileError(
    file,
    'unknown-format',
    'unknown format: the name does not end in .csv, .tsv, .jsonl or .ndjson and the first line is neither ' +
      'a JSON object nor a header with commas, semicolons or tabs. Rename the file or fix its header.',
  );
}

/** The separator used most often in the header line, if any. */
export function guessDelimiter(headerLine: string): string | undefined {
  let best: { delimiter: string; count: number } | undefined;
  for (const delimiter of [',', '\t', ';']) {
    const count = headerLine.split(delimiter).length - 1;
    if (count > 0 && (!best || count > best.count)) best = { delimiter, count };
  }
  return best?.delimiter;
}

async function readFirstLine(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    if (bytesRead === 0) throw new IngestFileError(file, 'no-rows', 'the file is empty');
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return text.split(/\r?\n|\r/, 1)[0] ?? '';
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
