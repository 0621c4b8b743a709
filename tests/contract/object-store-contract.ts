import { createHash, randomBytes } from 'node:crypto';
import { InvalidKeyError, PreconditionFailedError, type ObjectStore } from '../../runtime/store/object-store';

/** What the contract needs of an adapter under test. */
export interface ContractSubject {
  /**
   * A store that sees only its own namespace: a prefix in the shared bucket, or a fresh folder.
   * Each test opens its own, so tests never see each other's objects.
   */
  open(namespace: string): ObjectStore | Promise<ObjectStore>;
  /**
   * The same adapter aimed where nothing answers: any request it sent would fail with a network
   * error, so an InvalidKeyError from it proves the key was refused before any request.
   */
  unreachable(): ObjectStore;
  /** Delete what each test wrote afterwards (real buckets; stand-ins are torn down whole). */
  cleanUp?: boolean;
}

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');
const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/** Keys the local store refuses, and so every adapter refuses too. */
export const INVALID_KEYS = [
  '',
  '/etc/passwd',
  '../escape',
  'a/../../escape',
  'a//b',
  'a/',
  '.hidden',
  'a/./b',
  'a\\..\\b',
  'C:/x',
  'nul\0byte',
  'x'.repeat(1025),
];

/** Runs `work` over `items`, at most `limit` at a time. */
export async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Settles every writer and returns how many won, after checking every loser lost cleanly. */
function countWinners(key: string, expected: string | null, results: PromiseSettledResult<unknown>[]) {
  for (const result of results) {
    if (result.status === 'rejected') {
      expect(result.reason).toBeInstanceOf(PreconditionFailedError);
      expect(result.reason).toMatchObject({ key, expected });
    }
  }
  return results.filter((r) => r.status === 'fulfilled').length;
}

/**
 * The ObjectStore contract: every adapter (local folder, S3, Cloud Storage, Azure Blob) passes
 * exactly these tests, against a real server or a stand-in for one. Versions are opaque: nothing
 * here assumes how an adapter makes them.
 */
export function describeObjectStoreContract(title: string, subject: () => ContractSubject): void {
  describe(`ObjectStore contract: ${title}`, () => {
    const run = `contract-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    let opened = 0;
    const toClean: ObjectStore[] = [];
    const open = async () => {
      const store = await subject().open(`${run}/${++opened}`);
      if (subject().cleanUp) toClean.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of toClean.splice(0)) {
        await inParallel(await store.list(''), 16, (key) => store.delete(key));
      }
    });

    it('reads a missing key as undefined', async () => {
      const store = await open();
      expect(await store.get('registry/missing.json')).toBeUndefined();
      expect(await store.get('no/such/folder/key')).toBeUndefined();
    });

    it('round-trips strings as UTF-8 and bytes exactly, and reads back the version the write returned', async () => {
      const store = await open();
      const written = await store.put('registry/state.json', '{"champion":"textcnn – é ✓"}');
      const read = await store.get('registry/state.json');
      expect(read && text(read.body)).toBe('{"champion":"textcnn – é ✓"}');
      expect(typeof written.version).toBe('string');
      expect(written.version.length).toBeGreaterThan(0);
      expect(read?.version).toBe(written.version);

      const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const binary = await store.put('models/x/model.onnx', allBytes);
      const readBinary = await store.get('models/x/model.onnx');
      expect(Buffer.from(readBinary!.body).equals(Buffer.from(allBytes))).toBe(true);
      expect(readBinary?.version).toBe(binary.version);

      await store.put('empty', new Uint8Array());
      expect((await store.get('empty'))?.body.length).toBe(0);
    });

    it('gives new content a new version', async () => {
      const store = await open();
      const first = await store.put('k', 'one');
      const second = await store.put('k', 'two');
      expect(second.version).not.toBe(first.version);
      expect((await store.get('k'))?.version).toBe(second.version);
    });

    it('keeps keys with spaces, plus and percent signs and non-ASCII characters exact', async () => {
      const store = await open();
      const keys = ['odd/a b+c%20d=e&f,g;h@i~j(k)!l$m.json', 'odd/é中😀.txt', 'odd/question?hash#.txt'];
      for (const key of keys) await store.put(key, key);
      for (const key of keys) expect(text((await store.get(key))!.body)).toBe(key);
      expect(await store.list('odd/')).toEqual([...keys].sort());
    });

    it('lists by plain prefix, sorted, whether or not the prefix ends at a folder', async () => {
      const store = await open();
      const keys = [
        'models/textcnn/v2/model.onnx',
        'models/textcnn/v1/model.onnx',
        'models/textcnn-big/v1/model.onnx',
        'models/dnn/v1/model.onnx',
        'models/textcnn/v1/manifest.json',
        'top',
      ];
      await Promise.all(keys.map((key) => store.put(key, key)));
      expect(await store.list('models/textcnn/')).toEqual([
        'models/textcnn/v1/manifest.json',
        'models/textcnn/v1/model.onnx',
        'models/textcnn/v2/model.onnx',
      ]);
      expect(await store.list('models/text')).toEqual([
        'models/textcnn-big/v1/model.onnx',
        'models/textcnn/v1/manifest.json',
        'models/textcnn/v1/model.onnx',
        'models/textcnn/v2/model.onnx',
      ]);
      expect(await store.list('models/textcnn/v1/model.onnx')).toEqual(['models/textcnn/v1/model.onnx']);
      expect(await store.list('')).toEqual([...keys].sort());
      expect(await store.list('nothing/here/')).toEqual([]);
    });

    it('lists past 1,000 keys, across pages', async () => {
      const store = await open();
      const keys = Array.from({ length: 1050 }, (_, i) => `audit/${String(i).padStart(5, '0')}.jsonl`);
      await inParallel(keys, 16, (key) => store.put(key, 'x'));
      await store.put('auditor/outside.jsonl', 'x');
      const listed = await store.list('audit/');
      expect(listed).toHaveLength(keys.length);
      expect(listed).toEqual(keys);
      expect(await store.list('audit/001')).toEqual(keys.slice(100, 200));
    });

    it('deletes, and deleting a missing key is not an error', async () => {
      const store = await open();
      await store.put('feedback/a.json', 'x');
      await store.put('feedback/b.json', 'y');
      await store.delete('feedback/a.json');
      await store.delete('feedback/a.json');
      await store.delete('no/such/folder/key');
      expect(await store.get('feedback/a.json')).toBeUndefined();
      expect(await store.list('feedback/')).toEqual(['feedback/b.json']);
      await store.put('feedback/a.json', 'again', { ifVersion: null });
      expect(text((await store.get('feedback/a.json'))!.body)).toBe('again');
    });

    it('creates with ifVersion null once; the next create fails and names the version that is there', async () => {
      const store = await open();
      const first = await store.put('registry/state.json', 'one', { ifVersion: null });
      const failure = await store
        .put('registry/state.json', 'two', { ifVersion: null })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(PreconditionFailedError);
      expect(failure).toMatchObject({ key: 'registry/state.json', expected: null, actual: first.version });
      expect(text((await store.get('registry/state.json'))!.body)).toBe('one');
    });

    it('updates with the current version; a stale one fails and leaves the object as it was', async () => {
      const store = await open();
      const first = await store.put('registry/state.json', 'one');
      const second = await store.put('registry/state.json', 'two', { ifVersion: first.version });
      const failure = await store
        .put('registry/state.json', 'three', { ifVersion: first.version })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(PreconditionFailedError);
      expect(failure).toMatchObject({ expected: first.version, actual: second.version });
      const read = await store.get('registry/state.json');
      expect(read && text(read.body)).toBe('two');
      expect(read?.version).toBe(second.version);
    });

    it('fails a versioned write to a key that is not there: never written, or deleted', async () => {
      const store = await open();
      const version = (await store.put('registry/state.json', 'one')).version;
      const never = await store
        .put('registry/never.json', 'x', { ifVersion: version })
        .catch((e: unknown) => e);
      expect(never).toBeInstanceOf(PreconditionFailedError);
      expect(never).toMatchObject({ key: 'registry/never.json', expected: version, actual: null });
      expect(await store.get('registry/never.json')).toBeUndefined();

      await store.delete('registry/state.json');
      const deleted = await store
        .put('registry/state.json', 'two', { ifVersion: version })
        .catch((e: unknown) => e);
      expect(deleted).toBeInstanceOf(PreconditionFailedError);
      expect(deleted).toMatchObject({ expected: version, actual: null });
      expect(await store.get('registry/state.json')).toBeUndefined();
    });

    it.each([2, 8])('lets exactly one of %i concurrent creators win', async (writers) => {
      const store = await open();
      const results = await Promise.allSettled(
        Array.from({ length: writers }, (_, i) => store.put('race/key', `writer ${i}`, { ifVersion: null })),
      );
      expect(countWinners('race/key', null, results)).toBe(1);
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect(text((await store.get('race/key'))!.body)).toBe(`writer ${winner}`);
    });

    it.each([2, 8])('lets exactly one of %i concurrent updaters of the same version win', async (writers) => {
      const store = await open();
      const base = await store.put('race/key', 'base');
      const results = await Promise.allSettled(
        Array.from({ length: writers }, (_, i) =>
          store.put('race/key', `writer ${i}`, { ifVersion: base.version }),
        ),
      );
      expect(countWinners('race/key', base.version, results)).toBe(1);
      const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
        version: string;
      }>;
      expect((await store.get('race/key'))?.version).toBe(winner.value.version);
    });

    it('keeps a read-modify-write counter exact under concurrent writers', async () => {
      const store = await open();
      const increment = async () => {
        for (;;) {
          const current = await store.get('counter');
          const n = current ? Number(text(current.body)) : 0;
          try {
            await store.put('counter', String(n + 1), { ifVersion: current?.version ?? null });
            return;
          } catch (err) {
            if (!(err instanceof PreconditionFailedError)) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: 6 }, increment));
      expect(text((await store.get('counter'))!.body)).toBe('6');
    });

    it('round-trips a 20 MB object byte for byte', async () => {
      const store = await open();
      const big = randomBytes(20 * 1024 * 1024);
      const written = await store.put('models/big/model.onnx', big, { ifVersion: null });
      const read = await store.get('models/big/model.onnx');
      expect(read?.body.length).toBe(big.length);
      expect(sha256(read!.body)).toBe(sha256(big));
      expect(read?.version).toBe(written.version);
    });

    it('refuses invalid keys and list prefixes before sending anything', async () => {
      const store = subject().unreachable();
      for (const key of INVALID_KEYS) {
        await expect(store.get(key)).rejects.toThrow(InvalidKeyError);
        await expect(store.put(key, 'x')).rejects.toThrow(InvalidKeyError);
        await expect(store.put(key, 'x', { ifVersion: null })).rejects.toThrow(InvalidKeyError);
        await expect(store.delete(key)).rejects.toThrow(InvalidKeyError);
      }
      for (const prefix of ['../', '/', 'a//', '.hidden/', 'a\\b']) {
        await expect(store.list(prefix)).rejects.toThrow(InvalidKeyError);
      }
    });

    it('sees only its own namespace', async () => {
      const mine = await open();
      const theirs = await open();
      await mine.put('registry/state.json', 'mine');
      expect(await theirs.get('registry/state.json')).toBeUndefined();
      expect(await theirs.list('')).toEqual([]);
      await theirs.delete('registry/state.json');
      expect(text((await mine.get('registry/state.json'))!.body)).toBe('mine');
    });
  });
}
