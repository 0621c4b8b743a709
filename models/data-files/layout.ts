import { extname } from 'node:path';

/** The layouts data files come in, for training and for batch predictions alike. */
export type DataFileFormat = 'csv' | 'tsv' | 'jsonl';

export interface FileLayout {
  format: DataFileFormat;
  /** Field separator for CSV/TSV: ',' or ';' (spreadsheets in many locales) or a tab; '' for JSONL. */
  delimiter: string;
}

/** Why no layout could be decided: a JSON array (one document, not lines), or nothing known. */
export type LayoutProblem = 'json-array' | 'unknown';

const BY_EXTENSION: Readonly<Record<string, DataFileFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The extensions that name a format, for messages. */
export const DATA_FILE_EXTENSIONS = Object.keys(BY_EXTENSION);

/** The format a file's name promises, if its extension is one of DATA_FILE_EXTENSIONS. */
export const formatOfName = (name: string): DataFileFormat | undefined =>
  BY_EXTENSION[extname(name).toLowerCase()];

/** The separator used most often in the header line, if any. */
export function guessDelimiter(headerLine: string): string | undefined {
  let best: { delimiter: string; count: number } | undefined;
  for (const delimiter of [',', '\t', ';']) {
    const count = headerLine.split(delimiter).length - 1;
    if (count > 0 && (!best || count > best.count)) best = { delimiter, count };
  }
  return best?.delimiter;
}

/**
 * The layout from the extension, else from the first line; for CSV also the delimiter, since
 * spreadsheets set to many European locales write ';'-separated ".csv" files.
 */
export function layoutOf(name: string, firstLine: string): FileLayout | LayoutProblem {
  const byExtension = formatOfName(name);
  if (byExtension === 'jsonl') return { format: 'jsonl', delimiter: '' };
  if (byExtension === 'tsv') return { format: 'tsv', delimiter: '\t' };
  if (byExtension === 'csv') return { format: 'csv', delimiter: guessDelimiter(firstLine) ?? ',' };

  const start = firstLine.trimStart();
  if (start.startsWith('{')) return { format: 'jsonl', delimiter: '' };
  if (start.startsWith('[')) return 'json-array';
  const delimiter = guessDelimiter(firstLine);
  if (delimiter === '\t') return { format: 'tsv', delimiter };
  if (delimiter) return { format: 'csv', delimiter };
  return 'unknown';
}

/** The first line of a file's first bytes, without a byte-order mark. */
export const firstLineOf = (head: string): string =>
  head.replace(/^\uFEFF/, '').split(/\r?\n|\r/, 1)[0] ?? '';
