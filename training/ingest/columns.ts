import { bestColumn, CODE_COLUMNS, TEXT_COLUMNS } from '../../models/data-files/columns';
import { IngestFileError } from './file-error';

export { CODE_COLUMNS, TEXT_COLUMNS, normaliseColumnName } from '../../models/data-files/columns';

/** The names (as written in the file) of the description and code columns, when present. */
export interface ColumnChoice {
  text?: string;
  code?: string;
}

export function chooseColumns(names: readonly string[]): ColumnChoice {
  return { text: bestColumn(names, TEXT_COLUMNS), code: bestColumn(names, CODE_COLUMNS) };
}

/** Both columns, or an error that lists what the file has and what would be accepted. */
export function requireColumns(file: string, names: readonly string[]): { text: string; code: string } {
  const { text, code } = chooseColumns(names);
  if (text !== undefined && code !== undefined) return { text, code };
  const missing = [
    text === undefined ? `a description column (accepted names: ${TEXT_COLUMNS.join(', ')})` : '',
    code === undefined ? `a code column (accepted names: ${CODE_COLUMNS.join(', ')})` : '',
  ].filter(Boolean);
  const found = names.length ? names.map((n) => JSON.stringify(n)).join(', ') : 'none';
  throw new IngestFileError(
    file,
    'missing-columns',
    `no usable columns: the file needs ${missing.join(' and ')}. Columns found: ${found}. ` +
      'Rename the header (names are case-insensitive) and check again.',
  );
}
