import { hs2Of } from '../../models/hs/code';
import type { FileProblem } from './file-error';
import { REJECT_REASONS, type LabelConflict, type LabelledFileFormat, type RejectReason } from './types';

/** Conflicts kept in the report itself; all of them are in the rejects file anyway. */
export const MAX_LISTED_CONFLICTS = 1000;

export interface IngestTally {
  rowsRead: number;
  accepted: number;
  rejected: number;
  rejectedBy: Record<RejectReason, number>;
  distinctHs6: number;
  /** Two-digit chapters with at least one accepted row, sorted. */
  chapters: string[];
}

export interface FileReport extends IngestTally {
  file: string;
  format?: LabelledFileFormat;
  textColumn?: string;
  codeColumn?: string;
  /** Set when the file could not be used at all. */
  error?: { problem: FileProblem; message: string };
}

export interface IngestReport {
  files: FileReport[];
  total: IngestTally;
  conflicts: LabelConflict[];
  conflictCount: number;
  /** The rejects file, when at least one row was rejected. */
  rejectsPath?: string;
  maxTextLength: number;
}

/** Counts for one file or for all of them; codes go into a Set of at most ~5,600 subheadings. */
export class TallyCounter {
  rowsRead = 0;
  accepted = 0;
  private readonly rejectedBy = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
    RejectReason,
    number
  >;
  private readonly hs6 = new Set<string>();

  accept(hs6: string): void {
    this.accepted++;
    this.hs6.add(hs6);
  }

  reject(reason: RejectReason): void {
    this.rejectedBy[reason]++;
  }

  /** Adds another counter's rows, for totals over files. */
  addAll(other: TallyCounter): void {
    this.rowsRead += other.rowsRead;
    this.accepted += other.accepted;
    for (const reason of REJECT_REASONS) this.rejectedBy[reason] += other.rejectedBy[reason];
    for (const hs6 of other.hs6) this.hs6.add(hs6);
  }

  tally(): IngestTally {
    const rejected = Object.values(this.rejectedBy).reduce((a, b) => a + b, 0);
    return {
      rowsRead: this.rowsRead,
      accepted: this.accepted,
      rejected,
      rejectedBy: { ...this.rejectedBy },
      distinctHs6: this.hs6.size,
      chapters: [...new Set([...this.hs6].map(hs2Of))].sort(),
    };
  }
}
