import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestReport } from '../../training/ingest';
import { dataCommand } from './data-check';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hscode-data-check-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fixture(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Runs `hscode data check …` in-process and returns what it printed and its exit code. */
async function check(...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const output = { out: (text: string) => (stdout += text), err: (text: string) => (stderr += text) };
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    const command = dataCommand(output).exitOverride();
    command.commands.forEach((sub) => sub.exitOverride());
    await command.parseAsync(['node', 'hscode', 'check', ...args]);
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = previous;
  }
}

describe('hscode data check', () => {
  it('exits 0 and says OK when every row is accepted, leaving no rejects file', async () => {
    const file = await fixture('clean.csv', 'description,hs_code\nbicycle,8712.00\noak table,940360\n');
    const { stdout, exitCode } = await check(file);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('clean.csv');
    expect(stdout).toContain('description / hs_code');
    expect(stdout).toMatch(/OK: all 2 rows accepted \(2 HS6 subheadings in 2 chapters\)\./);
    expect(existsSync(`${file}.rejects.jsonl`)).toBe(false);
  });

  it('exits 1 when rows are rejected and writes them beside the first file by default', async () => {
    const file = await fixture(
      'messy.csv',
      'description,hs_code\nbicycle,871200\nhorse,10121\nbicycle,620520\n',
    );
    const { stdout, exitCode } = await check(file);
    expect(exitCode).toBe(1);
    expect(stdout).toContain('leading-zero-lost');
    expect(stdout).toContain('conflicting-label');
    const rejects = (await readFile(`${file}.rejects.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([
      [3, 'leading-zero-lost'],
      [4, 'conflicting-label'],
    ]);
  });

  it('honours --rejects, --max-length and --json', async () => {
    const file = await fixture(
      'long.jsonl',
      '{"text":"a very long description","hs":"871200"}\n{"text":"bike","hs":"871200"}\n',
    );
    const rejectsPath = join(dir, 'elsewhere.jsonl');
    const { stdout, exitCode } = await check(file, '--rejects', rejectsPath, '--max-length', '10', '--json');
    expect(exitCode).toBe(1);
    const report = JSON.parse(stdout) as IngestReport;
    expect(report.maxTextLength).toBe(10);
    expect(report.total).toMatchObject({ rowsRead: 2, accepted: 1, rejected: 1 });
    expect(report.total.rejectedBy['too-long']).toBe(1);
    expect(report.rejectsPath).toBe(rejectsPath);
    expect(await readFile(rejectsPath, 'utf8')).toContain('"reason":"too-long"');
  });

  it('exits 2 with an explanation when a file cannot be used, and still checks the others', async () => {
    const good = await fixture('good.tsv', 'text\tcode\nbicycle\t871200\n');
    const noCode = await fixture('nocode.csv', 'description,price\nbicycle,100\n');
    const missing = join(dir, 'absent.csv');
    const { stdout, exitCode } = await check(good, noCode, missing);
    expect(exitCode).toBe(2);
    expect(stdout).toContain('Columns found: "description", "price"');
    expect(stdout).toContain('absent.csv: no such file');
    expect(stdout).toMatch(/NOT OK: 2 of 3 files could not be used/);

    const json = await check(noCode, '--json');
    expect(json.exitCode).toBe(2);
    expect(json.stderr).toContain('no usable columns');
    expect((JSON.parse(json.stdout) as IngestReport).files[0]?.error?.problem).toBe('missing-columns');
  });

  it('rejects a nonsensical --max-length', async () => {
    const file = await fixture('any.csv', 'description,hs_code\nbicycle,871200\n');
    await expect(check(file, '--max-length', '0')).rejects.toThrow(/whole number/);
  });

  it('documents the columns, an example and the exit codes in --help', () => {
    let text = '';
    const help = dataCommand({ out: (s) => (text += s), err: (s) => (text += s) }).commands.find(
      (c) => c.name() === 'check',
    )!;
    help.outputHelp();
    expect(text).toContain('$ hscode data check declarations.csv');
    expect(text).toContain('expected_hs_code');
    expect(text).toMatch(/Exit status: 0 .* 1 .* 2 /);
  });
});
