import { IngestFileError } from './file-error';

/** Accepted header names, best first: when a file has several, the earlier name wins. */
export const TEXT_COLUMNS = [
  'description',
  'text',
  'product_description',
  'goods_description',
  'product',
  'item',
  'name',
] as const;

export const CODE_COLUMNS = [
  'hs_code',
  'hscode',
  'hs6',
  'hs',
  'expected_hs_code',
  'hts_code',
  'hts',
  'tariff_code',
  'commodity_code',
  'code',
] as const;

/** "HS Code", "hs-code" and "Hs.Code" all mean hs_code. */
export function normaliseColumnName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s.-]+/g, '_');
}

const rankOf = (names: readonly string[]) => new Map(names.map((name, rank) => [name, rank]));
const TEXT_RANK = rankOf(TEXT_COLUMNS);
const CODE_RANK = rankOf(CODE_COLUMNS);

/** The names (as written in the file) of the description and code columns, when present. */
export interface ColumnChoice {
  text?: string;
  code?: string;
}

export function chooseColumns(names: readonly string[]): ColumnChoice {
  let text: { name: string; rank: number } | undefined;
  let code: { name: string; rank: number } | undefined;
  for (const name of names) {
    const key = normaliseColumnName(name);
    const textRank = TEXT_RANK.get(key);
    if (textRank !== undefined && (!text || textRank < text.rank)) text = { name, rank: textRank };
    const codeRank = CODE_RANK.get(key);
    if (codeRank !== undefined && (!code || codeRank < code.rank)) code = { name, rank: codeRank };
  }
  return { text: text?.name, code: code?.name };
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
