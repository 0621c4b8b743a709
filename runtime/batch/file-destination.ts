import { rm, writeFile } from 'node:fs/promises';
import { writeStreamAtomically } from '../store/atomic-write';
import type { BatchDestination } from './batch-destination';

/** The outputs beside `out`: `x.csv` → `x.rejects.csv` and `x.summary.json`. */
export function batchFileNames(out: string): BatchDestination['names'] {
  const base = out.replace(/\.csv$/i, '');
  return { predictions: out, rejects: `${base}.rejects.csv`, summary: `${base}.summary.json` };
}

/** Where `hscode predict --file` writes: files, each replaced whole or not at all. */
export function fileDestination(out: string): BatchDestination {
  const names = batchFileNames(out);
  return {
    names,
    write: (kind, source) => writeStreamAtomically(names[kind], source),
    writeSummary: (json) => writeFile(names.summary, json),
    remove: (kind) => rm(names[kind], { force: true }),
  };
}
