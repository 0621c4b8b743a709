import { Readable } from 'node:stream';

const asBytes = (chunk: Uint8Array | string): Uint8Array =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;

/**
 * The first `bytes` of a stream (fewer if it is shorter), and a byte stream that replays them and
 * then goes on with the rest, still pulled only as fast as its reader reads.
 */
export async function peekStream(
  source: AsyncIterable<Uint8Array> | Readable,
  bytes: number,
): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = asBytes(next.value);
    seen.push(chunk);
    size += chunk.length;
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    try {
      yield* seen;
      if (ended) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        yield asBytes(next.value);
    } finally {
      // A reader that stops early stops the source too.
      if (!ended) await iterator.return?.();
    }
  }
  return {
    head: Buffer.concat(seen).subarray(0, bytes),
    stream: Readable.from(replay(), { objectMode: false }),
  };
}
