import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { AuditRecord } from '../core/audit';
import { auditFolder, newestAuditFiles } from '../core/local-audit-sink';
import { emptySpec, widenSpec, type AuditNeeds, type AuditSpec } from '../monitoring/audit-needs';
import { forEachAuditRecord } from '../monitoring/audit-lines';
import { AuditPart } from '../monitoring/audit-part';
import type { AuditTrail } from '../monitoring/audit-trail';
import { AuditWindow } from '../monitoring/audit-window';

interface FileState {
  /** Bytes folded into the part so far: always just after a newline. */
  offset: number;
  part: AuditPart;
}

/** Streams `path` from byte `from` up to `to` (exclusive) into `onRecord`; returns the bytes of complete lines. */
async function streamFile(
  path: string,
  from: number,
  to: number,
  onRecord: (record: AuditRecord) => void,
): Promise<number> {
  if (to <= from) return 0;
  const stream = createReadStream(path, { start: from, end: to - 1 });
  try {
    return await forEachAuditRecord(stream, onRecord);
  } catch (err) {
    // Removed since it was listed (retention, or a hand clean-up): it simply no longer counts.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  } finally {
    stream.destroy();
  }
}

/**
 * The local audit trail (`<home>/audit/YYYY-MM-DD.jsonl`), newest `days` files, as running
 * aggregates for the jobs and the dashboard. Each file is streamed once and afterwards only
 * from where the last read stopped (audit files only grow), so memory does not grow with the
 * trail and a minute's new records cost a minute's parsing (see bench/audit-window.ts).
 */
export class LocalAuditTrail implements AuditTrail {
  private spec: AuditSpec = emptySpec();
  private readonly files = new Map<string, FileState>();
  /** The read in progress: reads take turns, since each advances the files' offsets. */
  private previous: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly home: string,
    private readonly days = 7,
  ) {}

  window(needs: AuditNeeds = {}): Promise<AuditWindow> {
    const next = this.previous.then(
      () => this.readNow(needs),
      () => this.readNow(needs),
    );
    this.previous = next;
    return next;
  }

  private async readNow(needs: AuditNeeds): Promise<AuditWindow> {
    const wider = widenSpec(this.spec, needs);
    if (wider) {
      this.spec = wider;
      this.files.clear();
    }
    // newestAuditFiles lists newest first; parts go oldest first, in time order.
    const paths = (await newestAuditFiles(auditFolder(this.home), this.days)).reverse();
    for (const path of this.files.keys()) if (!paths.includes(path)) this.files.delete(path);
    const snapshot: [string, number][] = [];
    for (const path of paths) {
      let file = this.files.get(path) ?? { offset: 0, part: new AuditPart(this.spec) };
      const size = await stat(path).then(
        (s) => s.size,
        () => undefined,
      );
      if (size === undefined) {
        this.files.delete(path);
        continue;
      }
      // Smaller than what was read: rewritten, not appended to, so read it afresh.
      if (size < file.offset) file = { offset: 0, part: new AuditPart(this.spec) };
      const part = file.part;
      file.offset += await streamFile(path, file.offset, size, (record) => part.add(record));
      this.files.set(path, file);
      snapshot.push([path, file.offset]);
    }
    const parts = snapshot.map(([path]) => (this.files.get(path) as FileState).part);
    return new AuditWindow(parts, this.spec, async (visit) => {
      for (const [path, end] of snapshot) await streamFile(path, 0, end, visit);
    });
  }
}
