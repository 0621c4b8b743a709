import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { hs2Of } from '../models/hs/code';
import { loadNomenclature } from '../models/hs/nomenclature';
import { projectFile } from '../models/paths';
import { CORPUS_FILES, buildDefaultCorpus } from '../training/corpus';
import { normaliseText } from '../training/corpus/normalise';
import { DEFAULT_MAX_TEXT_LENGTH, ingestFiles } from '../training/ingest';
import {
  DESCRIPTION_STYLES,
  REALISTIC_SET_COLUMNS,
  REALISTIC_SET_FILE,
  loadRealisticSet,
  type EvalRow,
} from '../training/evaluate/realistic-set';

/**
 * The shipped evaluation set (data/eval/realistic-v1.csv): its shape, its labels against HS
 * 2022, and its separation from every text the models train or are tuned on.
 */
const rows = loadRealisticSet();
const nomenclature = loadNomenclature();

const countBy = (key: (row: EvalRow) => string) => {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
  return counts;
};

/** Rows whose normalised description is in `texts`, as "id: description" for a readable failure. */
const overlapping = (texts: Iterable<string>) => {
  const keys = new Set([...texts].map(normaliseText));
  return rows
    .filter((row) => keys.has(normaliseText(row.description)))
    .map((r) => `${r.id}: ${r.description}`);
};

const csvColumn = (file: string, column: string) =>
  (parse(readFileSync(projectFile(file)), { columns: true, bom: true }) as Array<Record<string, string>>).map(
    (record) => record[column] ?? '',
  );

describe('the realistic-v1 evaluation set', () => {
  it('has the header id,description,hs6,style,note', () => {
    const firstLine = readFileSync(projectFile(REALISTIC_SET_FILE), 'utf8').split('\n', 1)[0];
    expect(firstLine).toBe(REALISTIC_SET_COLUMNS.join(','));
  });

  it('has unique ids, numbered in file order', () => {
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => `rv1-${String(i + 1).padStart(4, '0')}`));
  });

  it('labels every row with a subheading that exists in HS 2022', () => {
    expect(rows.filter((r) => !nomenclature.isSubheading(r.hs6)).map((r) => `${r.id}: ${r.hs6}`)).toEqual([]);
  });

  it('is large and wide: at least 330 rows over at least 65 chapters', () => {
    expect(rows.length).toBeGreaterThanOrEqual(330);
    expect(countBy((r) => hs2Of(r.hs6)).size).toBeGreaterThanOrEqual(65);
  });

  it('has at least 30 rows of every description style', () => {
    const byStyle = countBy((r) => r.style);
    expect(DESCRIPTION_STYLES.filter((style) => (byStyle.get(style) ?? 0) < 30)).toEqual([]);
  });

  it('writes each style as its name says', () => {
    const words = (r: EvalRow) => r.description.split(/\s+/).length;
    const wrong = rows.filter(
      (r) =>
        (r.style === 'one-word' && words(r) !== 1) ||
        (r.style === 'marketplace' && (words(r) < 10 || words(r) > 25)) ||
        (r.style === 'units' && !/\d/.test(r.description)),
    );
    expect(wrong.map((r) => `${r.id} (${r.style}): ${r.description}`)).toEqual([]);
  });

  it('has no description twice, ignoring case and spacing', () => {
    const keys = rows.map((r) => normaliseText(r.description));
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it('writes descriptions as traders do: tidy, within the API limit, without tariff jargon', () => {
    const untidy = rows.filter(
      (r) =>
        r.description !== r.description.trim() ||
        /\s{2}/.test(r.description) ||
        r.description.length > DEFAULT_MAX_TEXT_LENGTH ||
        /n\.e\.c|not elsewhere specified/i.test(r.description),
    );
    expect(untidy.map((r) => r.id)).toEqual([]);
  });

  describe('is disjoint from the text models learn from', () => {
    it('compares descriptions as the corpus deduplicates them: case, spacing and end punctuation aside', () => {
      const row = rows[0] as EvalRow;
      expect(overlapping([`  ${row.description.toUpperCase().replace(/ /g, '   ')}. `])).toEqual([
        `${row.id}: ${row.description}`,
      ]);
    });

    it('shares no description with the shipped training phrases', () => {
      expect(overlapping(csvColumn(CORPUS_FILES.micro, 'text'))).toEqual([]);
    });

    it('shares no description with the development set', () => {
      expect(overlapping(csvColumn(CORPUS_FILES.benchmark, 'text'))).toEqual([]);
    });

    it('shares no description with the HS 2022 nomenclature, at any level', () => {
      const descriptions = [nomenclature.chapters, nomenclature.headings, nomenclature.subheadings].flatMap(
        (level) => [...level.values()].map((entry) => entry.description),
      );
      expect(descriptions.length).toBeGreaterThan(6000);
      expect(overlapping(descriptions)).toEqual([]);
    });

    it('shares no description with the default training corpus, tariff lines uncapped', () => {
      const { rows: corpus } = buildDefaultCorpus({ usHtsPerHs6Cap: null });
      expect(overlapping(corpus.map((row) => row.text))).toEqual([]);
    });
  });

  it('is accepted whole by ingestion, so "hscode evaluate --data" scores every row', async () => {
    const { rows: ingested, report } = await ingestFiles([projectFile(REALISTIC_SET_FILE)], {
      collect: true,
    });
    expect(report.total.rejected).toBe(0);
    expect(ingested.map((r) => [r.text, r.hs6])).toEqual(rows.map((r) => [r.description, r.hs6]));
  });

  it('matches the counts its README publishes', () => {
    const readme = readFileSync(projectFile('data/eval/README.md'), 'utf8');
    const published = (pattern: RegExp) =>
      new Map([...readme.matchAll(pattern)].map((m) => [m[1] as string, Number(m[2])]));
    const styles = published(/^\| `([a-z-]+)` \| (\d+) \|/gm);
    const chapters = published(/^\| (\d{2}) \| [^|\n]+ \| (\d+) \|$/gm);
    expect(styles).toEqual(countBy((r) => r.style));
    expect(new Map([...chapters].sort())).toEqual(new Map([...countBy((r) => hs2Of(r.hs6))].sort()));
    expect(readme).toContain(`${rows.length} rows`);
  });
});
