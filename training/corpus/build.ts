import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { projectFile } from '../../models/paths';
import type { LabelledRow } from '../dataset';
import { capPerHs6 } from './cap';
import { dedupe } from './dedupe';
import { createHs2022Resolver } from './hs2022-resolver';
import { benchmarkKeys, withoutLeakage } from './leakage';
import { microTexts } from './micro';
import { nomenclatureTexts } from './nomenclature-texts';
import { compareStrings, normaliseText } from './normalise';
import { CORPUS_SOURCES, zeroPerSource, type CorpusSource, type CorpusStats, type PerSource } from './stats';
import { usHtsTexts } from './us-hts';

/** The shipped files the default corpus is built from, relative to the project root. */
export const CORPUS_FILES = {
  nomenclature: 'data/public/hs2022/harmonized-system.csv',
  usHts: 'data/public/us-hts/htsdata.csv',
  micro: 'data/public/hsclassify-micro/training_data_indexed.csv',
  benchmark: 'data/public/hsclassify-micro/benchmark_cases.csv',
} as const;

/**
 * Keeps the corpus inside the training budget (35–60k rows) and the classes less lopsided:
 * without it the tariff alone gives up to 150 rows to one textile subheading and ~37k in all.
 */
export const DEFAULT_US_HTS_PER_HS6_CAP = 16;
export const DEFAULT_CAP_SEED = 'default-corpus-v1';

export interface BuildCorpusOptions {
  /** At most this many us-hts rows per HS6; null keeps them all. */
  usHtsPerHs6Cap?: number | null;
  /** Changes which us-hts rows the cap keeps. */
  capSeed?: string;
  /**
   * Other input files (absolute, or relative to the project root), e.g. another development set.
   * The nomenclature is not among them: it defines the labels, through `loadNomenclature()`.
   */
  files?: Partial<Record<'usHts' | 'micro' | 'benchmark', string>>;
}

/**
 * The default training corpus: HS 2022 nomenclature texts, US tariff lines read with their
 * ancestors, and the micro set's phrases; benchmark texts removed; one code per text; sorted by
 * HS6 then text, so the same code and data give byte-identical output.
 */
export function buildDefaultCorpus(options: BuildCorpusOptions = {}): {
  rows: LabelledRow[];
  stats: CorpusStats;
} {
  const cap = options.usHtsPerHs6Cap === undefined ? DEFAULT_US_HTS_PER_HS6_CAP : options.usHtsPerHs6Cap;
  const capSeed = options.capSeed ?? DEFAULT_CAP_SEED;
  const files = { ...CORPUS_FILES, ...options.files };
  const read = (path: string) => readFileSync(isAbsolute(path) ? path : projectFile(path));
  const nomenclature = loadNomenclature();
  const resolve = createHs2022Resolver(nomenclature.subheadings.keys());

  const hs2022 = nomenclatureTexts(read(files.nomenclature));
  const usHts = usHtsTexts(read(files.usHts), resolve);
  const micro = microTexts(read(files.micro), resolve, codesByText(hs2022.rows));

  const leakage = withoutLeakage(
    [...hs2022.rows, ...usHts.rows, ...micro.rows],
    benchmarkKeys(read(files.benchmark)),
  );
  const unique = dedupe(leakage.kept);
  const capped =
    cap === null ? { kept: unique.kept, removed: [] } : capPerHs6(unique.kept, 'us-hts', cap, capSeed);
  const rows = capped.kept.sort(byHs6ThenText);

  const distinctHs6 = new Set(rows.map((r) => r.hs6)).size;
  return {
    rows,
    stats: {
      rows: rows.length,
      rowsBySource: countBySource(rows),
      distinctHs6,
      subheadings: nomenclature.subheadings.size,
      coverage: distinctHs6 / nomenclature.subheadings.size,
      parts: { hs2022: hs2022.stats, 'us-hts': usHts.stats, micro: micro.stats },
      leakageRemoved: countBySource(leakage.removed),
      duplicatesRemoved: countBySource(unique.duplicates),
      conflicts: { texts: unique.conflictingTexts, rowsRemoved: countBySource(unique.outvoted) },
      capRemoved: countBySource(capped.removed),
      options: { usHtsPerHs6Cap: cap, capSeed },
    },
  };
}

function codesByText(rows: readonly LabelledRow[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const row of rows) {
    const key = normaliseText(row.text);
    const codes = map.get(key) ?? new Set<string>();
    codes.add(row.hs6);
    map.set(key, codes);
  }
  return map;
}

function countBySource(rows: readonly LabelledRow[]): PerSource {
  const counts = zeroPerSource();
  for (const row of rows) {
    const source = row.source as CorpusSource;
    if (!CORPUS_SOURCES.includes(source))
      throw new Error(`row without a corpus source: ${JSON.stringify(row)}`);
    counts[source]++;
  }
  return counts;
}

function byHs6ThenText(a: LabelledRow, b: LabelledRow): number {
  return (
    compareStrings(a.hs6, b.hs6) ||
    compareStrings(a.text, b.text) ||
    compareStrings(a.source ?? '', b.source ?? '')
  );
}
