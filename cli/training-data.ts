import { basename } from 'node:path';
import { projectFile } from '../models/paths';
import { buildDefaultCorpus } from '../training/corpus';
import type { LabelledRow } from '../training/dataset';
import { DEVELOPMENT_SET } from '../training/defaults';
import { LabelIndex, defaultRejectsPath, formatIngestReport, ingestFiles } from '../training/ingest';

export interface TrainingData {
  rows: LabelledRow[];
  sources: string[];
}

/**
 * The rows `hscode train` learns from: the user's files (validated; rejects reported and kept
 * in a rejects file), the shipped default corpus, or both.
 */
export async function loadTrainingData(options: {
  files?: string[];
  withDefaultCorpus: boolean;
}): Promise<TrainingData> {
  const rows: LabelledRow[] = [];
  const sources: string[] = [];
  // Rows of the user's files that repeat or contradict the corpus are rejected, not doubled.
  const index = new LabelIndex();
  if (!options.files?.length || options.withDefaultCorpus) {
    const corpus = buildDefaultCorpus();
    rows.push(...corpus.rows);
    index.addRows(corpus.rows, 'default-corpus');
    sources.push('default-corpus');
  }
  if (options.files?.length) {
    const { rows: accepted, report } = await ingestFiles(options.files, {
      collect: true,
      index,
      rejectsPath: defaultRejectsPath(options.files[0] as string),
    });
    process.stderr.write(`${formatIngestReport(report)}\n`);
    if (accepted.length === 0) {
      throw new Error(
        'no usable rows in the given files: see the rejects file named above and fix the input',
      );
    }
    rows.push(...accepted);
    sources.push(...options.files.map((f) => basename(f)));
  }
  return { rows, sources };
}

/** The development set scored after training: a given file, or the shipped 78 cases. */
export async function loadDevelopmentSet(
  file: string | undefined,
  useDefault: boolean,
): Promise<LabelledRow[]> {
  const path = file ?? (useDefault ? projectFile(DEVELOPMENT_SET) : undefined);
  if (!path) return [];
  const { rows } = await ingestFiles([path], { collect: true });
  return rows;
}
