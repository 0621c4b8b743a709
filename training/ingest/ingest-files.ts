import { resolve } from 'node:path';
import type { LabelledRow } from '../dataset';
import { IngestFileError } from './file-error';
import type { LabelIndex } from './label-index';
import { readLabelledBatches } from './read-labelled-file';
import { RejectsWriter } from './rejects-writer';
import { MAX_LISTED_CONFLICTS, TallyCounter, type FileReport, type IngestReport } from './report';
import { RowValidator } from './row-validator';
import type { LabelConflict } from './types';

export interface IngestOptions {
  /**
   * Where rejected rows go, as JSONL; written only when a row is rejected (a clean run removes
   * an old one). Without it rejects are only counted, so callers that read shipped or
   * read-only data never write beside it; `defaultRejectsPath(files[0])` is the conventional
   * choice for user files.
   */
  rejectsPath?: string;
  /** Longest description accepted, in characters (default 1000). */
  maxTextLength?: number;
  /** Called with every accepted row, in file order. */
  onRow?: (row: LabelledRow) => void;
  /** Return the accepted rows (for training); off for checks, so memory does not grow with the files. */
  collect?: boolean;
  /**
   * Labels already accepted elsewhere (e.g. the default corpus, via `index.addRows`): rows of
   * these files that repeat or contradict them are rejected. Accepted rows are added to it.
   */
  index?: LabelIndex;
  /** 'throw' (default) stops at the first unusable file; 'report' records it and goes on. */
  onFileError?: 'throw' | 'report';
}

/** `<first file>.rejects.jsonl`, beside the input, where `hscode data check` writes rejects. */
export function defaultRejectsPath(firstFile: string): string {
  return `${firstFile}.rejects.jsonl`;
}

/**
 * Reads, validates and counts labelled files one after the other, streaming: without
 * `collect`, memory holds the duplicate index (about 30 bytes a distinct row), never the rows.
 */
export async function ingestFiles(
  paths: readonly string[],
  options: IngestOptions = {},
): Promise<{ rows: LabelledRow[]; report: IngestReport }> {
  const validator = new RowValidator({ maxTextLength: options.maxTextLength, index: options.index });
  const { rejectsPath } = options;
  if (rejectsPath && paths.some((p) => resolve(p) === resolve(rejectsPath))) {
    throw new Error(`the rejects file ${rejectsPath} is also an input: choose another rejects path`);
  }
  const rejects = rejectsPath ? new RejectsWriter(rejectsPath) : undefined;
  const rows: LabelledRow[] = [];
  const files: FileReport[] = [];
  const total = new TallyCounter();
  const conflicts: LabelConflict[] = [];
  let conflictCount = 0;

  try {
    for (const file of paths) {
      const counter = new TallyCounter();
      const layout: Pick<FileReport, 'format' | 'textColumn' | 'codeColumn'> = {};
      let error: FileReport['error'];
      try {
        const batches = readLabelledBatches(file, {
          onLayout: (l) =>
            Object.assign(layout, { format: l.format, textColumn: l.textColumn, codeColumn: l.codeColumn }),
        });
        for await (const batch of batches) {
          for (const record of batch) {
            counter.rowsRead++;
            const verdict = validator.check(record);
            if (verdict.accepted) {
              counter.accept(verdict.row.hs6);
              options.onRow?.(verdict.row);
              if (options.collect) rows.push(verdict.row);
              continue;
            }
            counter.reject(verdict.rejection.reason);
            if (verdict.conflict && conflictCount++ < MAX_LISTED_CONFLICTS) conflicts.push(verdict.conflict);
            await rejects?.write(verdict.rejection);
          }
        }
        if (counter.rowsRead === 0) {
          throw new IngestFileError(
            file,
            'no-rows',
            'no data rows: add rows below the header, or leave the file out',
          );
        }
      } catch (caught) {
        if (!(caught instanceof IngestFileError) || options.onFileError !== 'report') throw caught;
        error = { problem: caught.problem, message: caught.message };
      }
      total.addAll(counter);
      files.push({ file, ...layout, ...counter.tally(), ...(error && { error }) });
    }
  } finally {
    await rejects?.close();
  }

  return {
    rows,
    report: {
      files,
      total: total.tally(),
      conflicts,
      conflictCount,
      ...(rejects && rejects.written > 0 && { rejectsPath: rejects.path }),
      maxTextLength: validator.maxTextLength,
    },
  };
}
