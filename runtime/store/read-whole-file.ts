import { open, type FileHandle } from 'node:fs/promises';

/**
 * Fills `buffer` from the file at `position` in as few reads as the OS allows, stopping early at
 * the end of the file; returns how many bytes it read.
 */
export async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * A file's bytes, read in as few calls as the OS allows. `fs.promises.readFile` reads in 512 KiB
 * chunks, each a round trip to the thread pool: 40 ms for an 11 MB model here, against 3 ms for one
 * read of the size `stat` gives. A file that grows meanwhile is read up to that size; one that
 * shrinks, up to its end.
 */
export async function readWholeFile(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const body = Buffer.allocUnsafe(size);
    const filled = await readFully(handle, body, 0);
    return filled === size ? body : body.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
