/** The three parts of the default corpus; every row's `source` is one of them. */
export const CORPUS_SOURCES = ['hs2022', 'us-hts', 'micro'] as const;
export type CorpusSource = (typeof CORPUS_SOURCES)[number];

/** Counts keyed by reason, with keys in sorted order so that the JSON form is stable. */
export type ReasonCounts = Record<string, number>;

/**
 * What one part did with its input file. The books balance:
 * `inputRecords = contextRecords + usedRecords + Σ dropped`, and `remapped` is a subset of
 * `usedRecords`.
 */
export interface PartStats {
  /** Data records in the file (the header excluded). */
  inputRecords: number;
  /** Records that give their words to others but are no example themselves (chapters, group headers, …). */
  contextRecords: number;
  /** Records that produced training texts. */
  usedRecords: number;
  dropped: ReasonCounts;
  remapped: ReasonCounts;
  /** Texts produced before the corpus-wide leakage guard, deduplication and cap. */
  textsEmitted: number;
  /** Other facts worth reporting (e.g. how many rows lost their boilerplate). */
  notes: ReasonCounts;
}

export type PerSource = Record<CorpusSource, number>;

export interface CorpusStats {
  rows: number;
  rowsBySource: PerSource;
  distinctHs6: number;
  /** HS 2022 subheadings in the nomenclature (5,612). */
  subheadings: number;
  /** distinctHs6 / subheadings. */
  coverage: number;
  parts: Record<CorpusSource, PartStats>;
  /** Texts equal (normalised) to a benchmark case, removed so the development set stays unseen. */
  leakageRemoved: PerSource;
  /** Repeats of a text already kept with the same code. */
  duplicatesRemoved: PerSource;
  /** Texts seen with more than one code, and the rows that lost the vote. */
  conflicts: { texts: number; rowsRemoved: PerSource };
  /** us-hts rows left out by the per-HS6 cap. */
  capRemoved: PerSource;
  options: { usHtsPerHs6Cap: number | null; capSeed: string };
}

export const zeroPerSource = (): PerSource => ({ hs2022: 0, 'us-hts': 0, micro: 0 });

export class ReasonCounter {
  private readonly counts = new Map<string, number>();

  add(reason: string, by = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + by);
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  toJSON(): ReasonCounts {
    const sorted = [...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(sorted);
  }
}
