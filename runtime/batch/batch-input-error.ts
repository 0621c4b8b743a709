/** What stopped a whole batch input from being read. */
export type BatchInputProblem = 'empty' | 'not-text' | 'unknown-format' | 'no-description-column';

/**
 * The input cannot be read as a file of descriptions at all; the message says what was wrong and
 * what to do. Batch runs report it in their summary instead of failing.
 */
export class BatchInputError extends Error {
  constructor(
    readonly problem: BatchInputProblem,
    message: string,
  ) {
    super(message);
    this.name = 'BatchInputError';
  }
}
