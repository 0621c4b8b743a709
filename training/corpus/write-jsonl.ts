import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LabelledRow } from '../dataset';

/** One `{"description","hs_code","source"}` object per line, `\n` endings: what ingestion reads back. */
export function corpusJsonl(rows: readonly LabelledRow[]): string {
  return rows
    .map((r) => `${JSON.stringify({ description: r.text, hs_code: r.hs6, source: r.source ?? '' })}\n`)
    .join('');
}

export function writeCorpusJsonl(
  rows: readonly LabelledRow[],
  path: string,
): { sha256: string; rows: number } {
  const bytes = Buffer.from(corpusJsonl(rows), 'utf8');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), rows: rows.length };
}
