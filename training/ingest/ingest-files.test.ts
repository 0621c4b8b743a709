import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelledRow } from '../dataset';
import { IngestFileError } from './file-error';
import { formatIngestReport } from './format-report';
import { ingestFiles } from './ingest-files';
import { LabelIndex } from './label-index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hscode-ingest-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fixture(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function rejectsOf(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** One row per rejection reason, each on a known line (the header is line 1). */
const MESSY_CSV = [
  'description,hs_code,origin', // 1
  'cotton t-shirt,6109.10.00.12,BD', // 2 accepted
  'pure-bred horse,10121,IE', // 3 leading-zero-lost
  'laptop,HS-8471,CN', // 4 malformed-code
  'smartphone,851712,KR', // 5 unknown-hs6 (an HS 2017 code)
  ',847130,CN', // 6 empty-text
  `${'x'.repeat(30)},847130,CN`, // 7 too-long (limit 20 below)
  'Cotton  T-shirt,610910,PK', // 8 duplicate of line 2
  'cotton t-shirt,620520,PK', // 9 conflicting-label with line 2
  'bicycle,,NL', // 10 missing-code
  '"wooden', // 11 a multi-line description, accepted
  'chair",940360,PL', // 12
  'coffee beans,090111,BR', // 13 accepted
].join('\n');

describe('ingestFiles', () => {
  it('accepts good rows and rejects each bad one with its reason and physical line', async () => {
    const file = await fixture('messy.csv', `${MESSY_CSV}\n`);
    const rejectsPath = join(dir, 'messy.rejects.jsonl');
    const seen: LabelledRow[] = [];
    const { rows, report } = await ingestFiles([file], {
      rejectsPath,
      maxTextLength: 20,
      collect: true,
      onRow: (row) => seen.push(row),
    });

    expect(rows).toEqual([
      { text: 'cotton t-shirt', hs6: '610910', source: 'messy.csv' },
      { text: 'wooden\nchair', hs6: '940360', source: 'messy.csv' },
      { text: 'coffee beans', hs6: '090111', source: 'messy.csv' },
    ]);
    expect(seen).toEqual(rows);

    const rejects = await rejectsOf(rejectsPath);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'leading-zero-lost'],
      [4, 'malformed-code'],
      [5, 'unknown-hs6'],
      [6, 'empty-text'],
      [7, 'too-long'],
      [8, 'duplicate'],
      [9, 'conflicting-label'],
      [10, 'missing-code'],
    ]);
    expect(rejects[0]).toEqual({
      file,
      line: 3,
      reason: 'leading-zero-lost',
      message: expect.stringMatching(/leading zero/),
      raw: { description: 'pure-bred horse', hs_code: '10121', origin: 'IE' },
    });
    expect(rejects[6]!.message).toMatch(/labelled 610910 on line 2 of .*messy\.csv but 620520 here/);

    const [fileReport] = report.files;
    expect(fileReport).toMatchObject({
      file,
      format: 'csv',
      textColumn: 'description',
      codeColumn: 'hs_code',
      rowsRead: 11,
      accepted: 3,
      rejected: 8,
      distinctHs6: 3,
      chapters: ['09', '61', '94'],
    });
    expect(fileReport!.rejectedBy).toMatchObject({ 'leading-zero-lost': 1, duplicate: 1, 'invalid-utf8': 0 });
    expect(report.rejectsPath).toBe(rejectsPath);
    expect(report.conflicts).toEqual([
      {
        text: 'cotton t-shirt',
        first: { source: file, line: 2, hs6: '610910' },
        other: { source: file, line: 9, hs6: '620520' },
      },
    ]);
  });

  it('rejects invalid UTF-8 and broken JSON lines into the rejects file too', async () => {
    const jsonl = await fixture(
      'mixed.jsonl',
      Buffer.concat([
        Buffer.from('{"text":"bicycle","hs_code":"871200"}\n{"text":"caf'),
        Buffer.from([0xc3, 0x28]), // an invalid two-byte sequence
        Buffer.from('","hs_code":"090111"}\n{"text":"chair",\n'),
      ]),
    );
    const rejectsPath = join(dir, 'mixed.rejects.jsonl');
    const { report } = await ingestFiles([jsonl], { rejectsPath });
    const rejects = await rejectsOf(rejectsPath);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'invalid-utf8'],
      [3, 'malformed-record'],
    ]);
    expect(rejects[1]!.raw).toEqual({ unparsed: '{"text":"chair",' });
    expect(report.total).toMatchObject({ rowsRead: 3, accepted: 1, rejected: 2 });
  });

  it('dedupes across files and against a seeded index, the earlier source winning', async () => {
    const a = await fixture('a.tsv', 'text\tcode\nbicycle\t871200\noak table\t940360\n');
    const b = await fixture(
      'b.jsonl',
      '{"item":"Bicycle","hts":"8712.00.15"}\n{"item":"wooden chair","hts":"940161"}\n',
    );
    const index = new LabelIndex();
    index.addRows([{ text: 'wooden chair', hs6: '940360' }], 'default-corpus');
    const { report } = await ingestFiles([a, b], { index });
    expect(report.files.map((f) => [f.accepted, f.rejected])).toEqual([
      [2, 0],
      [0, 2],
    ]);
    expect(report.total.rejectedBy).toMatchObject({ duplicate: 1, 'conflicting-label': 1 });
    expect(report.conflicts[0]?.first).toEqual({ source: 'default-corpus', line: 1, hs6: '940360' });
    expect(report.rejectsPath).toBeUndefined();
    expect(index.size).toBe(3);
  });

  it('leaves no rejects file when every row is accepted, not even one from an earlier run', async () => {
    const file = await fixture('clean.csv', 'description,hs_code\nbicycle,871200\n');
    const rejectsPath = await fixture('clean.rejects.jsonl', '{"reason":"from a run before the fix"}\n');
    const { rows, report } = await ingestFiles([file], { rejectsPath });
    expect(rows).toEqual([]);
    expect(report.total).toMatchObject({ rowsRead: 1, accepted: 1, rejected: 0 });
    expect(existsSync(rejectsPath)).toBe(false);
    expect(formatIngestReport(report)).toMatch(
      /OK: all 1 rows accepted \(1 HS6 subheadings in 1 chapters\)\.$/,
    );
  });

  it('stops at an unusable file by default, and records it and goes on when asked', async () => {
    const bad = await fixture('bad.csv', 'product,category\nbicycle,sport\n');
    const good = await fixture('good.csv', 'description,hs_code\nbicycle,871200\n');
    const headerOnly = await fixture('header.csv', 'description,hs_code\n');
    await expect(ingestFiles([bad, good])).rejects.toThrow(IngestFileError);

    const { report } = await ingestFiles([bad, good, headerOnly], { onFileError: 'report' });
    expect(report.files.map((f) => f.error?.problem)).toEqual(['missing-columns', undefined, 'no-rows']);
    expect(report.total.accepted).toBe(1);
    const text = formatIngestReport(report);
    expect(text).toContain('cannot use');
    expect(text).toContain('Columns found: "product", "category"');
    expect(text).toMatch(/NOT OK: 2 of 3 files could not be used/);
  });

  it('refuses a rejects path that is one of the inputs', async () => {
    const file = await fixture('self.csv', 'description,hs_code\nbicycle,871200\n');
    await expect(ingestFiles([file], { rejectsPath: file })).rejects.toThrow(/also an input/);
  });

  it('summarises rejects by reason and lists conflicts in the human report', async () => {
    const file = await fixture('summary.csv', `${MESSY_CSV}\n`);
    const { report } = await ingestFiles([file], {
      maxTextLength: 20,
      rejectsPath: join(dir, 'summary.rejects.jsonl'),
    });
    const text = formatIngestReport(report);
    for (const reason of ['leading-zero-lost', 'unknown-hs6', 'too-long', 'conflicting-label'])
      expect(text).toContain(reason);
    expect(text).toContain('summary.csv:2');
    expect(text).toContain('summary.csv:9');
    expect(text).toMatch(
      /NOT OK: 3 of 11 rows accepted .*; 8 rejected, listed in .*summary\.rejects\.jsonl\./,
    );
  });
});
