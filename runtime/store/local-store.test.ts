import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { LockTimeoutError } from './file-lock';
import { LocalObjectStore } from './local-store';
import { describeObjectStoreContract } from '../../tests/contract/object-store-contract';
import { describeStreamingContract } from './contract/streaming-contract';

const run = promisify(execFile);
const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const freshRoot = () => mkdtempSync(join(tmpdir(), 'hscode-store-'));

function allFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describeObjectStoreContract('local folder', () => ({
  open: () => new LocalObjectStore(freshRoot()),
  // A root below a regular file: any file-system call would fail (or read as missing).
  unreachable: () => new LocalObjectStore('/dev/null/store'),
}));
describeStreamingContract('local folder', () => new LocalObjectStore(freshRoot()));

describe('LocalObjectStore', () => {
  it('stores bytes and strings under content-hash versions that do not depend on the writer', async () => {
    const a = new LocalObjectStore(freshRoot());
    const b = new LocalObjectStore(freshRoot());
    const written = await a.put('registry/state.json', '{"x":1}');
    expect(written.version).toBe(sha256('{"x":1}'));
    expect((await b.put('other/key', Buffer.from('{"x":1}'))).version).toBe(written.version);
    const read = await a.get('registry/state.json');
    expect(read && text(read.body)).toBe('{"x":1}');
    expect(read?.version).toBe(written.version);
    expect(await a.get('registry/missing.json')).toBeUndefined();
    expect(await a.get('registry')).toBeUndefined();
  });

  it('lists keys by plain prefix, sorted, without its own lock and temporary files', async () => {
    const root = freshRoot();
    const store = new LocalObjectStore(root);
    for (const key of [
      'models/textcnn/v2/model.onnx',
      'models/textcnn/v1/model.onnx',
      'models/dnn/v1/x',
      'top',
    ]) {
      await store.put(key, key);
    }
    writeFileSync(join(root, 'models', 'textcnn', '.v3.lock'), 'stray lock');
    writeFileSync(join(root, 'models', 'textcnn', 'v1', '.model.onnx.1234.tmp'), 'stray temp');
    expect(await store.list('models/textcnn/')).toEqual([
      'models/textcnn/v1/model.onnx',
      'models/textcnn/v2/model.onnx',
    ]);
    expect(await store.list('models/text')).toEqual([
      'models/textcnn/v1/model.onnx',
      'models/textcnn/v2/model.onnx',
    ]);
    expect(await store.list('')).toHaveLength(4);
    expect(await store.list('nothing/here/')).toEqual([]);
  });

  it('never lets a reader see a torn write, and leaves no temporary files behind', async () => {
    const root = freshRoot();
    const store = new LocalObjectStore(root);
    const size = 256 * 1024;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 30; i++) await store.put('big/blob', new Uint8Array(size).fill(i));
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const read = await store.get('big/blob');
      if (read) {
        reads++;
        expect(read.body.length).toBe(size);
        expect(read.body.every((byte) => byte === read.body[0])).toBe(true);
      }
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(allFiles(root)).toEqual(['blob']);
  });

  describe('between processes', () => {
    const writer = join(__dirname, '..', '..', 'tests', 'helpers', 'store-race-writer.ts');
    /** Two writer processes that start writing together, once both are up. */
    const raceOfTwo = (root: string, mode: string, count: number) => {
      const rendezvous = mkdtempSync(join(tmpdir(), 'hscode-rendezvous-'));
      const race = () =>
        run(process.execPath, [
          '--import',
          'tsx',
          writer,
          root,
          'race/key',
          mode,
          String(count),
          rendezvous,
          '2',
        ]).then(({ stdout }) => JSON.parse(stdout) as { won?: boolean; conflicts?: number });
      return Promise.all([race(), race()]);
    };

    it('lets exactly one of two processes create the key', async () => {
      const root = freshRoot();
      const results = await raceOfTwo(root, 'create', 1);
      expect(results.map((r) => r.won).sort()).toEqual([false, true]);
    });

    it('keeps a counter exact when two processes increment it at once', async () => {
      const root = freshRoot();
      await raceOfTwo(root, 'increment', 20);
      const final = await new LocalObjectStore(root).get('race/key');
      expect(final && JSON.parse(text(final.body))).toEqual({ n: 40 });
    });
  });

  describe('lock recovery', () => {
    const lockFor = (root: string, owner: object) => {
      mkdirSync(join(root, 'k'), { recursive: true });
      const path = join(root, 'k', '.state.json.lock');
      writeFileSync(path, JSON.stringify(owner));
      return path;
    };

    it('takes over a lock whose holder process has died, without waiting for it to age', async () => {
      const root = freshRoot();
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      lockFor(root, { host: hostname(), pid: dead, token: 'gone' });
      const store = new LocalObjectStore(root, { staleMs: 60_000, timeoutMs: 2_000 });
      await store.put('k/state.json', 'recovered', { ifVersion: null });
      expect(allFiles(root)).toEqual(['state.json']);
    });

    it('takes over an old lock from another host once it is stale', async () => {
      const root = freshRoot();
      const path = lockFor(root, { host: 'elsewhere', pid: 1, token: 'old' });
      const past = new Date(Date.now() - 120_000);
      utimesSync(path, past, past);
      const store = new LocalObjectStore(root, { staleMs: 30_000, timeoutMs: 2_000 });
      await store.put('k/state.json', 'recovered');
    });

    it('waits for a live holder and times out rather than break its lock', async () => {
      const root = freshRoot();
      lockFor(root, { host: 'elsewhere', pid: 1, token: 'busy' });
      const store = new LocalObjectStore(root, { staleMs: 60_000, timeoutMs: 300 });
      await expect(store.put('k/state.json', 'x')).rejects.toThrow(LockTimeoutError);
      expect(await store.get('k/state.json')).toBeUndefined();
    });
  });

  describe('streams', () => {
    const chunk = Buffer.alloc(64 * 1024, 'z');

    it('writes to disk while the source is still producing, instead of holding the body', async () => {
      const root = freshRoot();
      const store = new LocalObjectStore(root);
      const folder = join(root, 'batch', 'out');
      const onDisk: number[] = [];
      async function* source() {
        for (let i = 0; i < 64; i++) {
          if (i > 0 && i % 16 === 0) {
            // What the temporary file holds now, while this source has not finished.
            await new Promise((resolve) => setTimeout(resolve, 20));
            const temporary = readdirSync(folder).find((name) => name.endsWith('.tmp'));
            onDisk.push(temporary ? statSync(join(folder, temporary)).size : 0);
          }
          yield chunk;
        }
      }
      await store.writeStream('batch/out/big.csv', source());
      expect(onDisk).toHaveLength(3);
      expect(onDisk[0]).toBeGreaterThan(0);
      expect(onDisk[2]).toBeGreaterThan(onDisk[0] as number);
      expect(statSync(join(folder, 'big.csv')).size).toBe(64 * chunk.length);
    });

    it('leaves no temporary file when the source fails', async () => {
      const root = freshRoot();
      const store = new LocalObjectStore(root);
      await store.put('batch/out/x.csv', 'old');
      async function* broken() {
        yield chunk;
        yield chunk;
        throw new Error('disconnected');
      }
      await expect(store.writeStream('batch/out/x.csv', broken())).rejects.toThrow('disconnected');
      expect(allFiles(root)).toEqual(['x.csv']);
    });

    it('commits under the object lock: waits for its holder, and gives up without a trace', async () => {
      const root = freshRoot();
      mkdirSync(join(root, 'k'), { recursive: true });
      const lock = join(root, 'k', '.state.json.lock');
      writeFileSync(lock, JSON.stringify({ host: 'elsewhere', pid: 1, token: 'busy' }));
      const store = new LocalObjectStore(root, { staleMs: 60_000, timeoutMs: 300 });
      await expect(store.writeStream('k/state.json', Readable.from([chunk]))).rejects.toThrow(
        LockTimeoutError,
      );
      expect(allFiles(root)).toEqual(['.state.json.lock']);

      const patient = new LocalObjectStore(root, { staleMs: 60_000, timeoutMs: 5_000 });
      const writing = patient.writeStream('k/state.json', Readable.from([chunk]));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(allFiles(root).filter((name) => name === 'state.json')).toEqual([]);
      unlinkSync(lock);
      await writing;
      expect(allFiles(root)).toEqual(['state.json']);
    });
  });
});
