import { open } from 'node:fs/promises';
import { liveRecordOf, type AuditRecord, type LiveRecord } from '../core/audit';
import { auditFolder, newestAuditFiles } from '../core/local-audit-sink';
import { readFully } from '../store/read-whole-file';

interface ParsedFile {
  /** Bytes parsed so far: always just after a newline. */
  offset: number;
  records: LiveRecord[];
}

const NEWLINE = 0x0a;

/**
 * The local audit trail (`<home>/audit/YYYY-MM-DD.jsonl`), newest `days` files, read again and
 * again by the jobs and the dashboard, as the LiveRecords they use. Each file is parsed once and then only from where the last
 * read stopped: audit files only grow, so a minute's new records cost a minute's parsing rather
 * than a week's (see bench/audit-read.ts).
 */
export class LocalAuditTrail {
  private readonly parsed = new Map<string, ParsedFile>();
  /** The read in progress: reads take turns, since each advances the files' offsets. */
  private previous: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly home: string,
    private readonly days = 7,
  ) {}

  /** Every record of the window, oldest file first, in the order each file holds them. */
  read(): Promise<LiveRecord[]> {
    const next = this.previous.then(
      () => this.readNow(),
      () => this.readNow(),
    );
    this.previous = next;
    return next;
  }

  private async readNow(): Promise<LiveRecord[]> {
    // newestAuditFiles lists newest first; records come out oldest first, in time order.
    const paths = (await newestAuditFiles(auditFolder(this.home), this.days)).reverse();
    for (const path of this.parsed.keys()) if (!paths.includes(path)) this.parsed.delete(path);
    const records: LiveRecord[] = [];
    for (const path of paths) {
      for (const record of await this.readFile(path)) records.push(record);
    }
    return records;
  }

  private async readFile(path: string): Promise<LiveRecord[]> {
    let file = this.parsed.get(path) ?? { offset: 0, records: [] };
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return []; // removed since it was listed
    try {
      const { size } = await handle.stat();
      // Smaller than what was parsed: rewritten, not appended to, so parse it afresh.
      if (size < file.offset) file = { offset: 0, records: [] };
      if (size > file.offset) {
        const added = Buffer.allocUnsafe(size - file.offset);
        const filled = await readFully(handle, added, file.offset);
        // A last line without its newline may be mid-append: it is parsed once complete.
        const complete = added.subarray(0, filled).lastIndexOf(NEWLINE) + 1;
        parseLines(added.subarray(0, complete).toString('utf8'), file.records);
        file.offset += complete;
      }
    } finally {
      await handle.close();
    }
    this.parsed.set(path, file);
    return file.records;
  }
}

function parseLines(text: string, into: LiveRecord[]): void {
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      into.push(liveRecordOf(JSON.parse(line) as AuditRecord));
    } catch {
      // A line cut short by a crash is skipped; the rest of the file still counts.
    }
  }
}
