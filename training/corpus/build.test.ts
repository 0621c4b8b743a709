import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { projectFile } from '../../models/paths';
import { buildDefaultCorpus, CORPUS_FILES, DEFAULT_US_HTS_PER_HS6_CAP } from './build';
import { benchmarkKeys } from './leakage';
import { compareStrings, normaliseText } from './normalise';
import { CORPUS_SOURCES, type CorpusStats } from './stats';
import { corpusJsonl, writeCorpusJsonl } from './write-jsonl';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function expectBooksToBalance(stats: CorpusStats): void {
  for (const source of CORPUS_SOURCES) {
    const part = stats.parts[source];
    expect(part.contextRecords + part.usedRecords + sum(part.dropped)).toBe(part.inputRecords);
    expect(sum(part.remapped)).toBeLessThanOrEqual(part.usedRecords);
    const removed =
      stats.leakageRemoved[source] +
      stats.duplicatesRemoved[source] +
      stats.conflicts.rowsRemoved[source] +
      stats.capRemoved[source];
    expect(part.textsEmitted - removed).toBe(stats.rowsBySource[source]);
  }
  expect(sum(stats.rowsBySource)).toBe(stats.rows);
}

describe('buildDefaultCorpus', () => {
  const hs = loadNomenclature();
  const { rows, stats } = buildDefaultCorpus();

  it('labels with HS 2022 subheadings only and reports their coverage', () => {
    expect(rows.filter((r) => !hs.isSubheading(r.hs6))).toEqual([]);
    const distinct = new Set(rows.map((r) => r.hs6)).size;
    expect(stats.distinctHs6).toBe(distinct);
    expect(stats.subheadings).toBe(hs.subheadings.size);
    expect(stats.coverage).toBeCloseTo(distinct / hs.subheadings.size, 10);
  });

  it('draws on all three parts and stays inside the training budget', () => {
    for (const source of CORPUS_SOURCES) expect(stats.rowsBySource[source]).toBeGreaterThan(0);
    expect(stats.rows).toBeGreaterThanOrEqual(35_000);
    expect(stats.rows).toBeLessThanOrEqual(60_000);
  });

  it('balances its books: rows in = kept + dropped, per part and per source', () => {
    expectBooksToBalance(stats);
  });

  it('holds one row per normalised text, sorted by HS6 then text', () => {
    const keys = rows.map((r) => normaliseText(r.text));
    expect(new Set(keys).size).toBe(rows.length);
    const sorted = [...rows].sort((a, b) => compareStrings(a.hs6, b.hs6) || compareStrings(a.text, b.text));
    expect(rows).toEqual(sorted);
  });

  it('caps the tariff rows of each HS6', () => {
    const perHs6 = new Map<string, number>();
    for (const r of rows) if (r.source === 'us-hts') perHs6.set(r.hs6, (perHs6.get(r.hs6) ?? 0) + 1);
    expect(Math.max(...perHs6.values())).toBeLessThanOrEqual(DEFAULT_US_HTS_PER_HS6_CAP);
    expect(stats.capRemoved['us-hts']).toBeGreaterThan(0);
  });

  it('contains no text of the development set', () => {
    const benchmark = benchmarkKeys(readFileSync(projectFile(CORPUS_FILES.benchmark)));
    expect(rows.filter((r) => benchmark.has(normaliseText(r.text)))).toEqual([]);
  });

  describe('with a development set that overlaps the corpus', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-leak-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const fromNomenclature = rows.find((r) => r.source === 'hs2022' && r.hs6 === '010121');
    const fromMicro = rows.find((r) => r.source === 'micro');
    const leaked = [fromNomenclature?.text.toUpperCase(), `  ${fromMicro?.text}!`];
    const benchmark = join(dir, 'benchmark.csv');
    const rowsOf = (texts: Array<string | undefined>) =>
      texts.map((t) => `"${(t ?? '').replace(/"/g, '""')}",000000`);
    writeFileSync(benchmark, ['text,expected_hs_code', ...rowsOf(leaked)].join('\n') + '\n');
    // A two-line tariff keeps this second build quick; the leak is in the other parts.
    const usHts = join(dir, 'hts.csv');
    writeFileSync(
      usHts,
      'HTS Number,Indent,Description\n"0101","0","Live horses:"\n"0101.30.00.00","1","Asses"\n',
    );
    const leakedBuild = buildDefaultCorpus({ files: { benchmark, usHts } });
    const noBenchmark = join(dir, 'empty.csv');
    writeFileSync(noBenchmark, 'text,expected_hs_code\n');
    const cleanBuild = buildDefaultCorpus({ files: { benchmark: noBenchmark, usHts } });

    it('removes those texts and counts them', () => {
      const keys = new Set(leakedBuild.rows.map((r) => normaliseText(r.text)));
      expect(fromNomenclature && fromMicro).toBeTruthy();
      expect(keys.has(normaliseText(fromNomenclature?.text ?? ''))).toBe(false);
      expect(keys.has(normaliseText(fromMicro?.text ?? ''))).toBe(false);
      // Counted before deduplication: a phrase the micro set repeats is removed each time.
      expect(leakedBuild.stats.leakageRemoved.hs2022).toBe(1);
      expect(leakedBuild.stats.leakageRemoved.micro).toBeGreaterThanOrEqual(1);
      expect(leakedBuild.stats.rowsBySource.hs2022).toBe(cleanBuild.stats.rowsBySource.hs2022 - 1);
      expect(leakedBuild.stats.rowsBySource.micro).toBe(cleanBuild.stats.rowsBySource.micro - 1);
      expectBooksToBalance(leakedBuild.stats);
    });
  });

  describe('output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-out-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is byte-identical from one build to the next', () => {
      const first = writeCorpusJsonl(rows, join(dir, 'a.jsonl'));
      const second = writeCorpusJsonl(buildDefaultCorpus().rows, join(dir, 'b.jsonl'));
      expect(second).toEqual(first);
      expect(first.rows).toBe(rows.length);
      expect(sha256(readFileSync(join(dir, 'a.jsonl'), 'utf8'))).toBe(first.sha256);
    });

    it('is JSONL with the column names ingestion accepts', () => {
      const text = corpusJsonl(rows.slice(0, 50));
      expect(text.endsWith('\n')).toBe(true);
      expect(text).not.toContain('\r');
      const lines = text.slice(0, -1).split('\n');
      expect(lines).toHaveLength(50);
      lines.forEach((line, i) => {
        expect(JSON.parse(line)).toEqual({
          description: rows[i]?.text,
          hs_code: rows[i]?.hs6,
          source: rows[i]?.source,
        });
      });
    });
  });
});
