import { open, stat } from 'node:fs/promises';
import type { AuditRecord } from './audit';

interface Located {
  path: string;
  offset: number;
  length: number;
}

/**
 * Where each served prediction's record sits in the daily audit files, built by reading each
 * file once and afterwards only the bytes appended since (by this process or any other, such as
 * `hscode predict`). A lookup then costs a stat per file and, for a known id, one read of its line:
 * an id nobody issued is answered from memory, however many of them arrive, instead of by
 * scanning days of audit files for each.
 */
export class AuditIndex {
  private readonly located = new Map<string, Located>();
  private readonly indexed = new Map<string, number>();
  private refreshing: Promise<void> = Promise.resolve();
  /** Bytes of audit files read so far: each is read once, whatever the lookups. */
  bytesRead = 0;

  constructor(private readonly files: () => Promise<string[]>) {}

  async find(predictionId: string): Promise<AuditRecord | undefined> {
    this.refreshing = this.refreshing.catch(() => undefined).then(() => this.refresh());
    await this.refreshing;
    const at = this.located.get(predictionId);
    if (!at) return undefined;
    const handle = await open(at.path, 'r');
    try {
      const buffer = Buffer.alloc(at.length);
      await handle.read(buffer, 0, at.length, at.offset);
      return JSON.parse(buffer.toString('utf8')) as AuditRecord;
    } finally {
      await handle.close();
    }
  }

  get size(): number {
    return this.located.size;
  }

  private async refresh(): Promise<void> {
    const current = await this.files();
    const wanted = new Set(current);
    for (const path of [...this.indexed.keys()]) {
      if (wanted.has(path)) continue;
      // A day that fell out of the window: its ids go with it.
      this.indexed.delete(path);
      for (const [id, at] of this.located) if (at.path === path) this.located.delete(id);
    }
    for (const path of current) await this.indexTail(path);
  }

  /** Reads what was appended to `path` since it was last indexed, up to its last complete line. */
  private async indexTail(path: string): Promise<void> {
    const from = this.indexed.get(path) ?? 0;
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size <= from) return;
    const handle = await open(path, 'r');
    let tail: Buffer;
    try {
      tail = Buffer.alloc(size - from);
      await handle.read(tail, 0, tail.length, from);
      this.bytesRead += tail.length;
    } finally {
      await handle.close();
    }
    let start = 0;
    for (let end = tail.indexOf(10); end !== -1; end = tail.indexOf(10, start)) {
      const line = tail.subarray(start, end);
      try {
        const record = JSON.parse(line.toString('utf8')) as Pick<AuditRecord, 'predictionId' | 'shadow'>;
        if (!record.shadow && typeof record.predictionId === 'string') {
          this.located.set(record.predictionId, { path, offset: from + start, length: line.length });
        }
      } catch {
        // A line another writer is still appending ends without a newline and is not read yet;
        // anything else unreadable is skipped, as the audit trail's readers skip it.
      }
      start = end + 1;
    }
    this.indexed.set(path, from + start);
  }
}
