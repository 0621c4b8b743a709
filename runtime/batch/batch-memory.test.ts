import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../models/paths';
import { writeFixtureModel } from '../../tests/helpers/model-fixture';

/**
 * A batch streams: what stays reachable while 200,000 rows go through the real predict service
 * must not grow with the rows. Holding the output alone would keep about 36 MB (180 bytes a row),
 * holding the rows read as objects more than that; a 16 MB ceiling on what stays reachable above
 * the start separates them from a stream (about 5 MB when measured). The service's own cache of recent predictions (kept for
 * feedback, bounded at 50,000 by default) is set small here: it is bounded whatever the batch.
 *
 * The run is in a child process started with --expose-gc, so what is measured is what survives a
 * collection, and Jest's own heap stays out of it. Time is not asserted.
 */
const ROWS = 200_000;
const CEILING_BYTES = 16 * 1024 * 1024;

const probeSource = (root: string) => `
import { Writable } from 'node:stream';
import { LocalAuditSink } from ${JSON.stringify(join(root, 'runtime/core/local-audit-sink'))};
import { PredictService } from ${JSON.stringify(join(root, 'runtime/core/predict-service'))};
import { LocalObjectStore } from ${JSON.stringify(join(root, 'runtime/store/local-store'))};
import { runBatch } from ${JSON.stringify(join(root, 'runtime/batch/run-batch'))};

const [home, variant, version, rowCount] = process.argv.slice(2) as [string, string, string, string];
const collectGarbage = (globalThis as unknown as { gc: () => void }).gc;
const reachable = () => {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const goods = ['cotton t-shirt', 'stainless steel hex bolt', 'frozen fish fillet', 'oak chair', 'copper cable'];
(async () => {
  const service = new PredictService({
    store: new LocalObjectStore(home),
    audit: new LocalAuditSink(home),
    registry: () => ({ champion: { variant, version }, challengers: [], shadows: [] }),
    recentPredictions: 1000,
    log: () => undefined,
  });
  await service.preload();
  await service.predict({ descriptions: goods });
  const rows = Number(rowCount);
  let peakBytes = 0;
  let baseline = 0;
  async function* input() {
    yield Buffer.from('id,description\\n');
    for (let i = 0; i < rows; i++) {
      if (i % 20000 === 0) {
        if (i === 0) baseline = reachable();
        else peakBytes = Math.max(peakBytes, reachable() - baseline);
      }
      yield Buffer.from(i + ',"' + goods[i % 5] + ' batch ' + i.toString(36) + ', packed for retail sale"\\n');
    }
  }
  let written = 0;
  const discard = () => new Writable({ highWaterMark: 16384, write(chunk, _, done) { written += chunk.length; setImmediate(done); } });
  const summary = await runBatch({ input: input(), name: 'large.csv', outputs: { predictions: discard, rejects: discard }, service });
  await service.close();
  process.stdout.write(JSON.stringify({ rows: summary.rows, written, peakBytes }));
})();
`;

it('predicts 200,000 rows without holding them: reachable memory stays under a ceiling', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hscode-batch-memory-'));
  const model = await writeFixtureModel(home);
  const probe = join(home, 'probe.ts');
  writeFileSync(probe, probeSource(projectRoot()));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--require', 'tsx/cjs', probe, home, model.ref.variant, model.ref.version, String(ROWS)],
    { cwd: projectRoot(), maxBuffer: 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as {
    rows: { read: number; predicted: number };
    written: number;
    peakBytes: number;
  };
  expect(result.rows).toMatchObject({ read: ROWS, predicted: ROWS });
  // The output really went through: about a hundred characters a row at least.
  expect(result.written).toBeGreaterThan(ROWS * 100);
  expect(result.peakBytes).toBeGreaterThan(0);
  expect(result.peakBytes).toBeLessThan(CEILING_BYTES);
}, 300_000);
