/** What kind of file-level problem stopped a file from being read at all. */
export type FileProblem = 'missing' | 'unreadable' | 'unknown-format' | 'missing-columns' | 'no-rows';

/**
 * A whole file could not be used. The message says what was wrong and what to do, because it
 * is printed as is by `hscode data check` and `hscode train`.
 */
export class IngestFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: FileProblem,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'IngestFileError';
  }
}
