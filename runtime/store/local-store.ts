import { createHash } from 'node:crypto';
import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { stageStream, writeFileAtomically } from './atomic-write';
import { isErrno } from './errno';
import { readWholeFile } from './read-whole-file';
import { withFileLock, type FileLockOptions } from './file-lock';
import {
  InvalidKeyError,
  PreconditionFailedError,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store';
import { assertValidKey, assertValidPrefix } from './store-key';

/** What a read stream asks the disk for at a time. */
const READ_CHUNK_BYTES = 256 * 1024;

/** The content's sha256: deterministic, and equal for equal bytes whatever wrote them or when. */
const contentVersion = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * The object store over a local folder (the embedded default, and tests). Keys map to files under
 * the root; writes are atomic; every write takes the object's lock file, so a conditional put is
 * a true compare-and-swap between processes. Lock and temporary files are dot-names, which keys
 * can never be, so they never show up in `list`.
 */
export class LocalObjectStore implements ObjectStore {
  readonly root: string;

  constructor(
    root: string,
    private readonly lockOptions: FileLockOptions = {},
  ) {
    this.root = resolve(root);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    let body: Buffer;
    try {
      body = await readWholeFile(path);
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'EISDIR', 'ENOTDIR')) return undefined;
      throw err;
    }
    // Computed on first use: most reads (models, audit files) never ask, and hashing an 11 MB model
    // twice, here and again when its artifact is verified, was a twentieth of a cold start.
    let version: string | undefined;
    return {
      body,
      get version() {
        return (version ??= contentVersion(body));
      },
    };
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<{ version: string }> {
    const path = this.pathOf(key);
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await mkdir(dirname(path), { recursive: true });
    return withFileLock(
      this.lockPathOf(path),
      async () => {
        if (options.ifVersion !== undefined) {
          const current = (await this.get(key))?.version ?? null;
          if (current !== options.ifVersion)
            throw new PreconditionFailedError(key, options.ifVersion, current);
        }
        await writeFileAtomically(path, data);
        return { version: contentVersion(data) };
      },
      this.lockOptions,
    );
  }

  /**
   * Opens the file before returning, so the stream reads the object as it was then: a rename over
   * it (every write here is one) leaves this open file's bytes as they were.
   */
  async readStream(key: string): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    let handle;
    try {
      handle = await open(path, 'r');
      if ((await handle.stat()).isFile()) return handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
    } catch (err) {
      await handle?.close();
      if (isErrno(err, 'ENOENT', 'EISDIR', 'ENOTDIR')) return undefined;
      throw err;
    }
    await handle.close();
    return undefined;
  }

  /**
   * Streams into a temporary file first, outside the lock (a long upload must not hold it, or
   * outlive its stale age); only the rename takes the lock, so it never lands between the read
   * and the write of a conditional put.
   */
  async writeStream(key: string, source: AsyncIterable<Uint8Array> | Readable): Promise<{ version: string }> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const file = await stageStream(path, source);
    try {
      await withFileLock(this.lockPathOf(path), () => file.commit(), this.lockOptions);
    } catch (err) {
      await file.discard();
      throw err;
    }
    return { version: file.sha256 };
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    const folderKey = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys: string[] = [];
    await this.walk(folderKey === '' ? this.root : this.pathOf(folderKey), folderKey, keys);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await withFileLock(
        this.lockPathOf(path),
        async () => {
          await unlink(path).catch((err: unknown) => {
            if (!isErrno(err, 'ENOENT')) throw err;
          });
        },
        this.lockOptions,
      );
    } catch (err) {
      // The object's folder does not exist, so neither does the object.
      if (!isErrno(err, 'ENOENT', 'ENOTDIR')) throw err;
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    const path = join(this.root, ...key.split('/'));
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || resolve(this.root, inside) !== path) {
      throw new InvalidKeyError(key, 'it resolves outside the store');
    }
    return path;
  }

  private lockPathOf(path: string): string {
    return join(dirname(path), `.${basename(path)}.lock`);
  }

  /** Regular files only: dot-names are the store's own, and symbolic links are not followed. */
  private async walk(folder: string, folderKey: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const key = folderKey === '' ? entry.name : `${folderKey}/${entry.name}`;
      if (entry.isDirectory()) await this.walk(join(folder, entry.name), key, out);
      else if (entry.isFile()) out.push(key);
    }
  }
}
