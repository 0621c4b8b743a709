import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../store/object-store';
import { utcDay, type AuditRecord, type AuditSink } from './audit';

/** Where the functions' audit objects live: `audit/<YYYY-MM-DD>/<time>-<instance>-<seq>.jsonl`. */
export const STORE_AUDIT_PREFIX = 'audit/';

export const storeAuditDayPrefix = (day: string) => `${STORE_AUDIT_PREFIX}${day}/`;

/**
 * Audit records of a function instance, written through the object store: buffered while an
 * invocation runs and written as one immutable JSON-lines object per UTC day on `flush`, which the
 * function host awaits before it returns. Object stores cannot append, so each flush is a new
 * object named by time, instance and sequence: sorted listing is write order, and two instances
 * never write the same key.
 */
export class StoreAuditSink implements AuditSink {
  private buffer: AuditRecord[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private sequence = 0;
  private closed = false;
  private readonly instance: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: { instanceId?: string; now?: () => Date } = {},
  ) {
    this.instance = options.instanceId ?? randomUUID().slice(0, 8);
  }

  write(record: AuditRecord): void {
    if (this.closed) throw new Error('the audit sink is closed');
    utcDay(record.time);
    this.buffer.push(record);
  }

  /** Resolves once every record written before the call is stored; flushes run one at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.catch(() => undefined).then(() => this.writeBuffered());
    return this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async writeBuffered(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const byDay = new Map<string, AuditRecord[]>();
    for (const record of batch) {
      const day = utcDay(record.time);
      byDay.set(day, [...(byDay.get(day) ?? []), record]);
    }
    const stamp = (this.options.now?.() ?? new Date()).toISOString().replace(/[-:.]/g, '');
    const written = new Set<AuditRecord>();
    try {
      for (const [day, records] of byDay) {
        const seq = String(this.sequence++).padStart(6, '0');
        const key = `${storeAuditDayPrefix(day)}${stamp}-${this.instance}-${seq}.jsonl`;
        await this.store.put(key, records.map((r) => `${JSON.stringify(r)}\n`).join(''), { ifVersion: null });
        for (const record of records) written.add(record);
      }
    } catch (err) {
      // What was stored is not written twice; the rest goes back in front, in order.
      this.buffer = batch.filter((r) => !written.has(r)).concat(this.buffer);
      throw err;
    }
  }
}
