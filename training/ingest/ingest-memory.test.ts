import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { projectRoot } from '../../models/paths';

/**
 * `data check` must stream: memory may grow with the number of distinct rows (the duplicate
 * index, ~30 bytes a row) but not with the bytes of the file. 1.2 M rows of ~135 bytes make a
 * ~155 MB file; the index for them is ~38 MB. Keeping the rows instead would cost more than
 * the file's size (a JS string and an object per row), so a 100 MB ceiling on what stays
 * reachable during the run separates the two.
 *
 * The check runs in a child process: Jest's sandbox makes global lookups in csv-parse about
 * ten times slower, and its own heap would blur the measurement.
 */
const ROWS = 1_200_000;
const CEILING_BYTES = 100 * 1024 * 1024;

interface ProbeResult {
  rows: number;
  rowsRead: number;
  accepted: number;
  rejected: number;
  distinctHs6: number;
  seen: number;
  peakBytes: number;
}

const probeSource = (ingestModule: string) => `
import { ingestFiles } from ${JSON.stringify(ingestModule)};
const collectGarbage = (globalThis as unknown as { gc: () => void }).gc;
const reachable = () => {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
(async () => {
  const baseline = reachable();
  let peakBytes = 0;
  let seen = 0;
  const { rows, report } = await ingestFiles([process.argv[2] as string], {
    collect: false,
    onRow: () => {
      if (++seen % 100000 === 0) peakBytes = Math.max(peakBytes, reachable() - baseline);
    },
  });
  const { rowsRead, accepted, rejected, distinctHs6 } = report.total;
  process.stdout.write(JSON.stringify({ rows: rows.length, rowsRead, accepted, rejected, distinctHs6, seen, peakBytes }));
})();
`;

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hscode-memory-'));
  file = join(dir, 'large.csv');
  const codes = [...loadNomenclature().subheadings.keys()];
  const out = createWriteStream(file);
  const materials = ['organic cotton', 'stainless steel', 'frozen', 'recycled plastic', 'oak wood', 'copper'];
  const goods = ['t-shirt', 'hex bolt', 'fish fillet', 'chair', 'ball valve', 'cable', 'desk lamp', 'sensor'];
  let chunk = 'description,hs_code\n';
  for (let i = 0; i < ROWS; i++) {
    const code = codes[i % codes.length]!;
    chunk +=
      `"${materials[i % 6]} ${goods[i % 8]}, packed for retail sale, supplier batch ${i.toString(36)}, ` +
      `export grade with inspection certificate attached",${code.slice(0, 4)}.${code.slice(4)}.00\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('checks a file larger than its memory ceiling without holding its rows', async () => {
  const { size } = await stat(file);
  expect(size).toBeGreaterThan(1.4 * CEILING_BYTES);

  const probe = join(dir, 'probe.ts');
  await writeFile(probe, probeSource(join(__dirname, 'ingest-files')));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--require', 'tsx/cjs', probe, file],
    {
      cwd: projectRoot(),
    },
  );
  const result = JSON.parse(stdout) as ProbeResult;

  expect(result).toMatchObject({ rows: 0, rowsRead: ROWS, accepted: ROWS, rejected: 0, seen: ROWS });
  expect(result.distinctHs6).toBe(loadNomenclature().subheadings.size);
  expect(result.peakBytes).toBeGreaterThan(0);
  expect(result.peakBytes).toBeLessThan(CEILING_BYTES);
});
