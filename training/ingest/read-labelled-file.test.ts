import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestFileError } from './file-error';
import { readLabelledFile, type FileLayoutInfo } from './read-labelled-file';
import type { RawRecord } from './types';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hscode-read-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fixture(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string): Promise<{ records: RawRecord[]; layout?: FileLayoutInfo }> {
  const records: RawRecord[] = [];
  let layout: FileLayoutInfo | undefined;
  for await (const record of readLabelledFile(path, { onLayout: (l) => (layout = l) })) records.push(record);
  return { records, layout };
}

const summary = (records: RawRecord[]) => records.map((r) => [r.line, r.text, r.code]);

async function fileError(path: string): Promise<IngestFileError> {
  try {
    await readAll(path);
  } catch (error) {
    if (error instanceof IngestFileError) return error;
    throw error;
  }
  throw new Error(`${path} was read without error`);
}

describe('readLabelledFile', () => {
  it('reads a CSV with a byte-order mark, header on line 1', async () => {
    const path = await fixture(
      'bom.csv',
      '\uFEFFdescription,hs_code\ncotton t-shirt,6109.10\nlaptop 14 inch,847130\n',
    );
    const { records, layout } = await readAll(path);
    expect(layout).toEqual({ format: 'csv', textColumn: 'description', codeColumn: 'hs_code' });
    expect(summary(records)).toEqual([
      [2, 'cotton t-shirt', '6109.10'],
      [3, 'laptop 14 inch', '847130'],
    ]);
    expect(records[0]!.fields).toEqual({ description: 'cotton t-shirt', hs_code: '6109.10' });
  });

  it('reads TSV, where quotes inside descriptions are ordinary characters', async () => {
    const path = await fixture(
      'data.tsv',
      'text\tcode\tnote\n15" monitor\t852852\tscreens\nsay "hi" mug\t691200\t\n',
    );
    const { records, layout } = await readAll(path);
    expect(layout?.format).toBe('tsv');
    expect(summary(records)).toEqual([
      [2, '15" monitor', '852852'],
      [3, 'say "hi" mug', '691200'],
    ]);
  });

  it('reads JSONL, keeping numeric codes as written and counting blank lines', async () => {
    const path = await fixture(
      'data.jsonl',
      '{"product": "coffee beans", "HS": "090111"}\n\n{"product": "horse", "HS": 10121, "extra": [1]}\nnot json\n[1,2]\n',
    );
    const { records, layout } = await readAll(path);
    expect(layout).toEqual({ format: 'jsonl', textColumn: 'product', codeColumn: 'HS' });
    expect(summary(records)).toEqual([
      [1, 'coffee beans', '090111'],
      [3, 'horse', '10121'],
      [4, undefined, undefined],
      [5, undefined, undefined],
    ]);
    expect(records[1]!.fields).toEqual({ product: 'horse', HS: 10121, extra: [1] });
    expect(records[2]!.problem).toMatch(/not valid JSON/);
    expect(records[3]!.problem).toMatch(/not an object/);
  });

  it('streams files longer than one batch, in order, and can be abandoned midway', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) =>
      JSON.stringify({ text: `item ${i}`, code: '871200' }),
    );
    const path = await fixture('long.ndjson', `${lines.join('\n')}\n`);
    const { records } = await readAll(path);
    expect(records).toHaveLength(10_000);
    expect(records.every((r, i) => r.line === i + 1 && r.text === `item ${i}`)).toBe(true);

    let taken = 0;
    for await (const record of readLabelledFile(path)) {
      taken = record.line;
      if (taken === 3) break;
    }
    expect(taken).toBe(3);
  });

  it('numbers a quoted multi-line record by the line it starts on, for LF and CRLF files', async () => {
    const rows = [
      'description,hs_code',
      '"men\'s shirt',
      'cotton, long sleeves",620520',
      '',
      'bicycle,871200',
    ];
    for (const eol of ['\n', '\r\n']) {
      const path = await fixture(`multi-${eol.length}.csv`, rows.join(eol) + eol);
      const { records } = await readAll(path);
      expect(summary(records)).toEqual([
        [2, `men's shirt${eol}cotton, long sleeves`, '620520'],
        [5, 'bicycle', '871200'],
      ]);
    }
  });

  it('matches column aliases case-insensitively and prefers the most specific name', async () => {
    const path = await fixture(
      'alias.csv',
      'Name,Goods Description,HTS-Code,Code\nx,wooden chair,9403.60,1\n',
    );
    const { records, layout } = await readAll(path);
    expect(layout).toMatchObject({ textColumn: 'Goods Description', codeColumn: 'HTS-Code' });
    expect(summary(records)).toEqual([[2, 'wooden chair', '9403.60']]);
  });

  it('detects semicolon-separated CSV and sniffs files without a known extension', async () => {
    const semicolon = await fixture('excel.csv', 'description;hs_code\n"chair, wooden";940360\n');
    expect(summary((await readAll(semicolon)).records)).toEqual([[2, 'chair, wooden', '940360']]);
    const tsv = await fixture('export.txt', 'description\ths_code\nchair\t940360\n');
    expect((await readAll(tsv)).layout?.format).toBe('tsv');
    const jsonl = await fixture('export.log', '{"text":"chair","hs6":"940360"}\n');
    expect((await readAll(jsonl)).layout?.format).toBe('jsonl');
  });

  it('skips rows of empty fields but keeps counting their lines', async () => {
    const path = await fixture('gaps.csv', 'description,hs_code\n,\n\n  ,  \nbicycle,871200\n');
    expect(summary((await readAll(path)).records)).toEqual([[5, 'bicycle', '871200']]);
  });

  it('leaves invalid UTF-8 visible as U+FFFD instead of failing', async () => {
    const bytes = Buffer.concat([
      Buffer.from('description,hs_code\ncaf'),
      Buffer.from([0xe9]), // "é" in Latin-1, not UTF-8
      Buffer.from(' beans,090111\nbicycle,871200\n'),
    ]);
    const { records } = await readAll(await fixture('latin1.csv', bytes));
    expect(summary(records)).toEqual([
      [2, 'caf\uFFFD beans', '090111'],
      [3, 'bicycle', '871200'],
    ]);
  });

  it('turns an unclosed quote into a record with a problem at the line it starts on', async () => {
    const path = await fixture(
      'quote.csv',
      'description,hs_code\nbicycle,871200\n"broken,871200\nchair,940360\n',
    );
    const { records } = await readAll(path);
    expect(summary(records)).toEqual([
      [2, 'bicycle', '871200'],
      [3, undefined, undefined],
    ]);
    expect(records[1]!.problem).toMatch(/never closed/);
  });

  it('refuses a file without a code column, listing the columns found and the names accepted', async () => {
    const error = await fileError(await fixture('nocode.csv', 'description,category\nbicycle,sport\n'));
    expect(error.problem).toBe('missing-columns');
    expect(error.message).toContain('"description", "category"');
    expect(error.message).toContain('hs_code, hscode');
    expect(error.message).not.toContain('a description column');
  });

  it('refuses a JSONL file whose first object lacks a description', async () => {
    const error = await fileError(await fixture('nodesc.jsonl', '{"hs_code":"871200","label":"x"}\n'));
    expect(error.problem).toBe('missing-columns');
    expect(error.message).toContain('"hs_code", "label"');
    expect(error.message).toContain('a description column');
  });

  it('explains missing files, JSON arrays and unknown formats', async () => {
    expect((await fileError(join(dir, 'absent.csv'))).problem).toBe('missing');
    expect((await fileError(await fixture('array.json', '[{"text":"a"}]'))).message).toMatch(
      /JSON array.*JSONL/,
    );
    expect((await fileError(await fixture('notes.txt', 'just some words\n'))).problem).toBe('unknown-format');
    expect((await fileError(await fixture('empty.csv', ''))).message).toMatch(/empty/);
    expect((await fileError(dir)).message).toMatch(/folder/);
  });
});
