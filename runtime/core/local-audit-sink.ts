import { appendFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditIndex } from './audit-index';
import { utcDay, type AuditRecord, type AuditSink, type PredictionLookup } from './audit';

export interface LocalAuditSinkOptions {
  /** Buffered records are appended at least this often. */
  flushIntervalMs?: number;
  /** A flush starts as soon as this many records wait. */
  maxBufferedRecords?: number;
  /** How many of the newest daily files `findPrediction` reads. */
  lookupDays?: number;
  log?: (line: string) => void;
}

/**
 * Below the size Node writes in one system call, so with O_APPEND the lines of one append never
 * interleave with another process appending to the same day's file.
 */
const MAX_APPEND_BYTES = 256 * 1024;

/** Where a local store keeps its audit trail. */
export const auditFolder = (root: string): string => join(root, 'audit');

/** Paths of the newest `days` daily files (`YYYY-MM-DD.jsonl`), newest first; none without a folder. */
export async function newestAuditFiles(folder: string, days: number): Promise<string[]> {
  let files: string[];
  try {
    files = (await readdir(folder)).filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f));
  } catch {
    return [];
  }
  return files
    .sort()
    .reverse()
    .slice(0, days)
    .map((file) => join(folder, file));
}

/**
 * Appends audit records as JSON lines to `<root>/audit/YYYY-MM-DD.jsonl`, one file per UTC day of
 * the record's time. Records are buffered and appended in batches, in order; a failed append puts
 * its records back at the head of the buffer, so nothing written is lost while the process lives.
 */
export class LocalAuditSink implements AuditSink, PredictionLookup {
  readonly folder: string;
  private buffer: AuditRecord[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly options: Required<LocalAuditSinkOptions>;
  readonly index: AuditIndex;

  constructor(root: string, options: LocalAuditSinkOptions = {}) {
    this.folder = auditFolder(root);
    this.options = {
      flushIntervalMs: 1000,
      maxBufferedRecords: 500,
      lookupDays: 7,
      log: (line) => process.stderr.write(`${line}\n`),
      ...options,
    };
    this.index = new AuditIndex(() => newestAuditFiles(this.folder, this.options.lookupDays));
  }

  write(record: AuditRecord): void {
    if (this.closed) throw new Error('the audit sink is closed');
    utcDay(record.time);
    this.buffer.push(record);
    if (this.buffer.length >= this.options.maxBufferedRecords) {
      this.flush().catch((err: unknown) =>
        this.options.log(`audit: flush failed, records kept: ${String(err)}`),
      );
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush().catch((err: unknown) =>
          this.options.log(`audit: flush failed, records kept: ${String(err)}`),
        );
      }, this.options.flushIntervalMs).unref();
    }
  }

  /** Resolves once every record written before the call is on disk. */
  flush(): Promise<void> {
    // Flushes run one after another, so records reach each file in write order.
    this.flushing = this.flushing.catch(() => undefined).then(() => this.appendBuffered());
    return this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /**
   * The served (non-shadow) record of a prediction: unflushed records first, then the newest days
   * through an index that reads each audit file once and then only what was appended to it.
   */
  async findPrediction(predictionId: string): Promise<AuditRecord | undefined> {
    const buffered = this.buffer.find((r) => r.predictionId === predictionId && !r.shadow);
    if (buffered) return buffered;
    return this.index.find(predictionId);
  }

  private async appendBuffered(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const byDay = new Map<string, AuditRecord[]>();
    for (const record of batch) {
      const day = utcDay(record.time);
      const records = byDay.get(day);
      if (records) records.push(record);
      else byDay.set(day, [record]);
    }
    const written = new Set<AuditRecord>();
    try {
      await mkdir(this.folder, { recursive: true });
      for (const [day, records] of byDay) {
        for (const chunk of chunks(records)) {
          await appendFile(join(this.folder, `${day}.jsonl`), chunk.text, 'utf8');
          for (const record of chunk.records) written.add(record);
        }
      }
    } catch (err) {
      // What reached the disk is not appended twice; the rest goes back in front, in order.
      this.buffer = batch.filter((r) => !written.has(r)).concat(this.buffer);
      throw err;
    }
  }
}

function* chunks(records: readonly AuditRecord[]): Generator<{ text: string; records: AuditRecord[] }> {
  let chunk = { text: '', bytes: 0, records: [] as AuditRecord[] };
  for (const record of records) {
    const line = `${JSON.stringify(record)}\n`;
    const bytes = Buffer.byteLength(line);
    if (chunk.records.length > 0 && chunk.bytes + bytes > MAX_APPEND_BYTES) {
      yield chunk;
      chunk = { text: '', bytes: 0, records: [] };
    }
    chunk.text += line;
    chunk.bytes += bytes;
    chunk.records.push(record);
  }
  if (chunk.records.length > 0) yield chunk;
}
