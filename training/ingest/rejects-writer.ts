import { once } from 'node:events';
import { open, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Rejection } from './types';

/**
 * The rejects file, one JSON object a line, always this run's rejects: created on the first
 * rejection, and a clean run removes one left by an earlier run, so nobody fixes rows that
 * are already fixed. Writes respect back-pressure, so memory stays flat.
 */
export class RejectsWriter {
  private stream: Writable | undefined;
  written = 0;

  constructor(readonly path: string) {}

  async write(rejection: Rejection): Promise<void> {
    if (!this.stream) this.stream = await this.open();
    this.written++;
    const line = JSON.stringify({
      file: rejection.file,
      line: rejection.line,
      reason: rejection.reason,
      message: rejection.message,
      raw: rejection.raw,
    });
    if (!this.stream.write(`${line}\n`)) await once(this.stream, 'drain');
  }

  private async open(): Promise<Writable> {
    try {
      return (await open(this.path, 'w')).createWriteStream();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(
        `cannot write the rejects file ${this.path} (${code}): choose a path in a writable folder`,
        { cause: error },
      );
    }
  }

  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) {
      if (this.written === 0) await rm(this.path, { force: true });
      return;
    }
    this.stream = undefined;
    await new Promise<void>((resolve, reject) =>
      stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}
