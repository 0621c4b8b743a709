import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { projectFile } from '../../models/paths';
import type { LabelledRow } from '../dataset';

/**
 * The hand-labelled evaluation set (see data/eval/README.md). It is for final reports only:
 * nothing that trains, tunes or selects a model may read it.
 */
export const REALISTIC_SET_FILE = 'data/eval/realistic-v1.csv';

export const REALISTIC_SET_COLUMNS = ['id', 'description', 'hs6', 'style', 'note'] as const;

/** How a description is written; each style is a separate slice of the report. */
export const DESCRIPTION_STYLES = [
  'declaration',
  'one-word',
  'brand-product',
  'marketplace',
  'misspelt',
  'units',
] as const;

export type DescriptionStyle = (typeof DESCRIPTION_STYLES)[number];

export interface EvalRow {
  id: string;
  description: string;
  hs6: string;
  style: DescriptionStyle;
  /** Why the code is right where the case is a known trap; empty otherwise. */
  note: string;
}

const isStyle = (value: string): value is DescriptionStyle =>
  (DESCRIPTION_STYLES as readonly string[]).includes(value);

/**
 * Parses the set's CSV. The header must be exactly the five columns in order, and every row
 * needs an id, a description, six digits and a known style: a malformed file is refused whole,
 * since a silently skipped row would change every score computed on the set.
 */
export function parseRealisticSet(csv: string | Buffer, source = REALISTIC_SET_FILE): EvalRow[] {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new Error(`${source}: not a well-formed CSV file: ${(error as Error).message}`, { cause: error });
  }
  const [header, ...body] = records;
  if (!header || header.join(',') !== REALISTIC_SET_COLUMNS.join(',')) {
    throw new Error(
      `${source}: header is "${header?.join(',') ?? ''}"; expected "${REALISTIC_SET_COLUMNS.join(',')}"`,
    );
  }
  return body.map((fields, index) => {
    const [id = '', description = '', hs6 = '', style = '', note = ''] = fields;
    const line = index + 2;
    if (!id.trim()) throw new Error(`${source}:${line}: the id is empty`);
    if (!description.trim()) throw new Error(`${source}:${line} (${id}): the description is empty`);
    if (!/^\d{6}$/.test(hs6)) throw new Error(`${source}:${line} (${id}): hs6 "${hs6}" is not six digits`);
    if (!isStyle(style)) {
      throw new Error(
        `${source}:${line} (${id}): style "${style}" is not one of ${DESCRIPTION_STYLES.join(', ')}`,
      );
    }
    return { id, description, hs6, style, note };
  });
}

export function loadRealisticSet(): EvalRow[] {
  return parseRealisticSet(readFileSync(projectFile(REALISTIC_SET_FILE)));
}

/** The rows as evaluation input, each tagged with its style so reports can slice by it. */
export function asLabelledRows(rows: readonly EvalRow[], name = 'realistic-v1'): LabelledRow[] {
  return rows.map((row) => ({ text: row.description, hs6: row.hs6, source: `${name}:${row.style}` }));
}
