import { appendFileSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchService, csvObjects, type BatchService } from '../../tests/helpers/batch-fixture';
import { releaseSharedSessions } from '../core/session-cache';
import { watchBatchFolder, type BatchWatcher } from './batch-watcher';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchBatchFolder', () => {
  let fixture: BatchService;
  let watcher: BatchWatcher;
  const logs: string[] = [];
  const inFolder = () => join(fixture.home, 'batch', 'in');
  const summaryOf = async (name: string) => {
    const object = await fixture.store.get(`batch/out/${name}.summary.json`);
    return (
      object && (JSON.parse(Buffer.from(object.body).toString('utf8')) as { rows: { predicted: number } })
    );
  };
  const waitFor = async <T>(probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) {
      const value = await probe();
      if (value !== undefined) return value;
    }
    throw new Error(`nothing after ${ms} ms; log: ${logs.join(' | ')}`);
  };

  beforeAll(async () => {
    fixture = await batchService();
    mkdirSync(inFolder(), { recursive: true });
    watcher = watchBatchFolder({
      store: fixture.store,
      service: fixture.service,
      intervalMs: 200,
      log: (l) => logs.push(l),
    });
  });
  afterAll(async () => {
    watcher.stop();
    await watcher.idle();
    await fixture.service.close();
    await releaseSharedSessions();
  });

  it('waits until a file stops growing before it reads it, then predicts all of it', async () => {
    const path = join(inFolder(), 'slow.csv');
    writeFileSync(path, 'description\n');
    // Appends every 50 ms for 1.5 s: never unchanged over a 200 ms interval until it is complete.
    for (let i = 0; i < 30; i++) {
      appendFileSync(path, `steel bolt ${i}\n`);
      await sleep(50);
      expect(await summaryOf('slow')).toBeUndefined();
    }
    const summary = await waitFor(() => summaryOf('slow'));
    expect(summary.rows.predicted).toBe(30);
  });

  it('predicts a file once per content: saved again unchanged it is skipped, changed it is predicted again', async () => {
    const path = join(inFolder(), 'again.csv');
    writeFileSync(path, 'description\ncotton t-shirt\n');
    await waitFor(() => summaryOf('again'));
    const later = new Date(Date.now() + 5000);
    utimesSync(path, later, later);
    await waitFor(async () =>
      logs.some((l) => /again\.csv: skipped: .*same content/.test(l)) ? true : undefined,
    );

    writeFileSync(path, 'description\ncotton t-shirt\nfrozen fish\n');
    await waitFor(async () => ((await summaryOf('again'))?.rows.predicted === 2 ? true : undefined));
    const rows = csvObjects(
      Buffer.from((await fixture.store.get('batch/out/again.csv'))?.body ?? []).toString(),
    );
    expect(rows.map((r) => r.description)).toEqual(['cotton t-shirt', 'frozen fish']);
  });

  it('never reads dot-files, such as a copy still being uploaded under a temporary name', async () => {
    writeFileSync(join(inFolder(), '.upload.csv.part'), 'description\ntea\n');
    await sleep(1000);
    expect(readdirSync(join(fixture.home, 'batch', 'out')).filter((name) => name.includes('upload'))).toEqual(
      [],
    );
    expect(logs.filter((l) => l.includes('.upload'))).toEqual([]);
  });
});
