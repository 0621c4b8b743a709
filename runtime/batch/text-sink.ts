import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Text is handed to the stream in pieces of about this size: one write per row would cost more than the row. */
const PIECE_CHARS = 64 * 1024;

/** Resolves when the stream wants more; rejects if it fails or closes first (a reader gave up). */
function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(stream.errored ?? new Error('the output was closed'));
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () =>
      done(stream.errored ?? new Error('the output was closed before the batch finished'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Text written to a stream with its back-pressure respected: when the stream's buffer is full,
 * `write` waits until it drains, so a slow reader slows the writer instead of filling the memory.
 */
export class TextSink {
  private pending = '';

  constructor(private readonly stream: Writable) {}

  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= PIECE_CHARS) await this.flush();
  }

  /** Writes what is left and waits until the stream has taken all of it. */
  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream, { readable: false });
  }

  /** Stops the stream with `err`, so whatever reads it knows the text is incomplete. */
  abort(err: Error): void {
    this.stream.destroy(err);
  }

  private async flush(): Promise<void> {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    if (!this.stream.write(text)) await drained(this.stream);
  }
}
