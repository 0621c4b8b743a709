import { createHash, randomUUID } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

/** Makes a rename durable; platforms that cannot open a folder for syncing (Windows) skip it. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Best effort: the data itself was synced before the rename.
  } finally {
    await handle?.close();
  }
}

/** A hidden temporary file beside `path` (same file system, so a rename over `path` is atomic). */
const temporaryPathFor = (path: string) => join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);

/**
 * Bytes written to a temporary file beside their target, synced, waiting to be committed by
 * renaming them over it (or discarded).
 */
export interface StagedFile {
  readonly temporary: string;
  /** Renames the staged bytes over `path`, then syncs the folder so the rename survives a crash. */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

function staged(temporary: string, path: string): StagedFile {
  const discard = () => rm(temporary, { force: true });
  return {
    temporary,
    discard,
    commit: async () => {
      try {
        await rename(temporary, path);
      } catch (err) {
        await discard();
        throw err;
      }
      await syncFolder(dirname(path));
    },
  };
}

/** Writes into a fresh temporary file for `path`, synced; removes it if anything fails. */
async function stage(path: string, write: (handle: FileHandle) => Promise<void>) {
  const temporary = temporaryPathFor(path);
  const handle = await open(temporary, 'wx');
  try {
    await write(handle);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw err;
  }
  await handle.close();
  return staged(temporary, path);
}

/**
 * Readers see the old file or the new one, never a torn write: the bytes go to a hidden temporary
 * file in the same folder (same file system, so rename is atomic), are synced to disk, and the
 * file is renamed over the target; the folder is synced so the rename survives a crash.
 */
export async function writeFileAtomically(path: string, data: Uint8Array): Promise<void> {
  await (await stage(path, (handle) => handle.writeFile(data))).commit();
}

/** Small chunks are gathered up to this size, so each write to disk is worth its round trip. */
const WRITE_BYTES = 256 * 1024;

async function writeAll(handle: FileHandle, data: Uint8Array): Promise<void> {
  for (let offset = 0; offset < data.length;) {
    offset += (await handle.write(data, offset, data.length - offset, null)).bytesWritten;
  }
}

/**
 * Streams `source` into a temporary file for `path`, hashing it on the way, without holding more
 * than a few chunks in memory (each write is awaited before the next chunk is pulled, which is
 * the back-pressure); the caller commits it (under its lock) or discards it. A source that fails
 * leaves no temporary file.
 */
export async function stageStream(
  path: string,
  source: AsyncIterable<Uint8Array> | Readable,
): Promise<StagedFile & { sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const file = await stage(path, async (handle) => {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      const data = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await writeAll(handle, data);
    };
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      hash.update(buffer);
      bytes += buffer.length;
      pending.push(buffer);
      pendingBytes += buffer.length;
      if (pendingBytes >= WRITE_BYTES) await flush();
    }
    if (pendingBytes > 0) await flush();
  });
  return { ...file, sha256: hash.digest('hex'), bytes };
}

/** writeFileAtomically for a stream: readers of `path` see the old file or all of the new one. */
export async function writeStreamAtomically(
  path: string,
  source: AsyncIterable<Uint8Array> | Readable,
): Promise<void> {
  await (await stageStream(path, source)).commit();
}
