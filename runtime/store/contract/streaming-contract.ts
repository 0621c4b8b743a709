import { Readable } from 'node:stream';
import { InvalidKeyError, type ObjectStore } from '../object-store';

/**
 * The streaming half of the ObjectStore contract (readStream, writeStream): every adapter (local
 * folder, S3, Cloud Storage, Azure Blob) registers these tests with a factory that opens a store
 * over a namespace no other test uses. Nothing here assumes how an adapter makes versions.
 */
export function describeStreamingContract(
  title: string,
  openStore: () => ObjectStore | Promise<ObjectStore>,
): void {
  describe(`ObjectStore streaming contract: ${title}`, () => {
    const MiB = 1024 * 1024;

    it('reads nothing for a missing key, or for a prefix that only names a folder', async () => {
      const store = await openStore();
      expect(await store.readStream('batch/in/missing.csv')).toBeUndefined();
      await store.put('batch/in/sub/x.csv', 'x');
      expect(await store.readStream('batch/in/sub')).toBeUndefined();
    });

    it('writes from an async iterable and from a Readable, and reads back the same bytes', async () => {
      const store = await openStore();
      const chunks = Array.from({ length: 40 }, (_, i) => patterned(7919 + i * 131, i));
      const expected = Buffer.concat(chunks);
      const written = await store.writeStream('batch/out/a.csv', fromChunks(chunks));
      expectBytes(await readAll(await store.readStream('batch/out/a.csv')), expected);
      await store.writeStream('batch/out/b.csv', Readable.from(chunks));
      expectBytes(await readAll(await store.readStream('batch/out/b.csv')), expected);

      // The version is the one the rest of the port knows: a conditional put accepts it.
      expect((await store.get('batch/out/a.csv'))?.version).toBe(written.version);
      await store.put('batch/out/a.csv', 'next', { ifVersion: written.version });
      expect(text(await readAll(await store.readStream('batch/out/a.csv')))).toBe('next');
    });

    it('makes an empty object from an empty source', async () => {
      const store = await openStore();
      await store.writeStream('batch/out/empty.csv', fromChunks([]));
      expect((await store.get('batch/out/empty.csv'))?.body.length).toBe(0);
      expect(await store.list('batch/out/')).toEqual(['batch/out/empty.csv']);
    });

    it('overwrites unconditionally, and reads an object written by put', async () => {
      const store = await openStore();
      await store.put('batch/out/x.csv', 'old');
      await store.writeStream('batch/out/x.csv', fromChunks([Buffer.from('new')]));
      expect(text(await readAll(await store.readStream('batch/out/x.csv')))).toBe('new');
    });

    it('lets a reader during a write see the old object whole, then the new one whole', async () => {
      const store = await openStore();
      const key = 'batch/out/big.csv';
      await store.put(key, Buffer.alloc(4 * MiB, 'a'));
      const gate = gatedSource(
        Array.from({ length: 16 }, () => Buffer.alloc(MiB / 4, 'b')),
        8,
      );
      const writing = store.writeStream(key, gate.source);
      await gate.reached;
      expectBytes(await readAll(await store.readStream(key)), Buffer.alloc(4 * MiB, 'a'));
      expectBytes((await store.get(key))?.body, Buffer.alloc(4 * MiB, 'a'));
      gate.release();
      await writing;
      expectBytes(await readAll(await store.readStream(key)), Buffer.alloc(4 * MiB, 'b'));
    });

    it('never mixes two objects in a stream opened before an overwrite and read after it', async () => {
      const store = await openStore();
      const key = 'batch/out/raced.csv';
      const size = 8 * MiB;
      await store.put(key, Buffer.alloc(size, 'a'));
      const stream = await store.readStream(key);
      if (!stream) throw new Error('the object just written cannot be read');
      const reader = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      const first = await reader.next();
      await store.writeStream(key, fromChunks([Buffer.alloc(size, 'b')]));
      const rest: Uint8Array[] = [];
      let failed = false;
      try {
        for (let next = await reader.next(); !next.done; next = await reader.next()) rest.push(next.value);
      } catch {
        // Failing is allowed (the object changed under the reader); a mix is not.
        failed = true;
      }
      if (!failed) {
        expectBytes(Buffer.concat([first.value as Uint8Array, ...rest]), Buffer.alloc(size, 'a'));
      }
    });

    it('keeps the old object when the source fails half way, and creates nothing new', async () => {
      const store = await openStore();
      await store.put('batch/out/kept.csv', 'old');
      const failure = new Error('the source broke');
      await expect(store.writeStream('batch/out/kept.csv', failingSource(3 * MiB, failure))).rejects.toBe(
        failure,
      );
      expect(text(await readAll(await store.readStream('batch/out/kept.csv')))).toBe('old');
      await expect(store.writeStream('batch/out/new.csv', failingSource(MiB, failure))).rejects.toBe(failure);
      expect(await store.readStream('batch/out/new.csv')).toBeUndefined();
      expect(await store.list('batch/')).toEqual(['batch/out/kept.csv']);
    });

    it('leaves one whole object when two streams write the same key at once', async () => {
      const store = await openStore();
      const key = 'batch/out/both.csv';
      const size = 2 * MiB;
      // The last to finish wins, or (Azure, which discards other uploads' blocks on a commit) the
      // later commit fails saying so; either way no mixture is ever stored.
      const outcomes = await Promise.allSettled([
        store.writeStream(key, fromChunks(Array.from({ length: 8 }, () => Buffer.alloc(size / 8, 'x')))),
        store.writeStream(key, fromChunks(Array.from({ length: 8 }, () => Buffer.alloc(size / 8, 'y')))),
      ]);
      expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(String(outcome.reason)).toMatch(/committed first/);
      }
      const body = await readAll(await store.readStream(key));
      expect(body.length).toBe(size);
      expect(body.equals(Buffer.alloc(size, 'x')) || body.equals(Buffer.alloc(size, 'y'))).toBe(true);
    });

    it.each(['', '../escape', '/abs', 'a//b', 'a/', '.hidden', 'a/./b', 'a\\b', 'C:/x', 'x'.repeat(1025)])(
      'refuses the key %j for reading and for writing',
      async (key) => {
        const store = await openStore();
        await expect(store.readStream(key)).rejects.toThrow(InvalidKeyError);
        await expect(store.writeStream(key, fromChunks([Buffer.from('x')]))).rejects.toThrow(InvalidKeyError);
      },
    );
  });
}

/** Byte comparison without Jest's element-by-element diff, which takes seconds on megabytes. */
function expectBytes(actual: Uint8Array | undefined, expected: Buffer): void {
  expect(actual?.length).toBe(expected.length);
  if (actual && Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)) return;
  // Where they part, which says more than "not equal".
  expect(actual ? expected.findIndex((byte, i) => actual[i] !== byte) : 0).toBe(-1);
}

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

/** Bytes that differ from chunk to chunk, so a reordered or dropped chunk shows. */
const patterned = (length: number, seed: number) =>
  Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed * 17) % 251));

async function* fromChunks(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function readAll(stream: Readable | undefined): Promise<Buffer> {
  if (!stream) throw new Error('expected the object to exist');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Yields `size` bytes of zeros in 64 KiB chunks, then throws `failure`. */
async function* failingSource(size: number, failure: Error): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < size; sent += 64 * 1024) yield Buffer.alloc(64 * 1024);
  throw failure;
}

/** A source that stops before chunk `holdAt` until released; `reached` says it got there. */
function gatedSource(chunks: readonly Uint8Array[], holdAt: number) {
  let release: () => void = () => undefined;
  let arrive: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  async function* source(): AsyncGenerator<Uint8Array> {
    for (const [i, chunk] of chunks.entries()) {
      if (i === holdAt) {
        arrive();
        await gate;
      }
      yield chunk;
    }
  }
  return { source: source(), reached, release: () => release() };
}
