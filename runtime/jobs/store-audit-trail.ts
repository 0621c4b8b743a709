import { liveRecordOf, type AuditRecord, type LiveRecord } from '../core/audit';
import { storeAuditDayPrefix } from '../core/store-audit-sink';
import type { ObjectStore } from '../store/object-store';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The functions' audit trail (`audit/<day>/*.jsonl` objects) for the jobs and the dashboard: the
 * newest `days` days, as LiveRecords. Audit objects are immutable, so a warm instance parses each
 * one once and afterwards reads only objects it has not seen.
 */
export class StoreAuditTrail {
  private readonly parsed = new Map<string, LiveRecord[]>();

  constructor(
    private readonly store: ObjectStore,
    private readonly options: { days?: number; now?: () => Date } = {},
  ) {}

  async read(): Promise<LiveRecord[]> {
    const keys: string[] = [];
    for (const day of this.days()) keys.push(...(await this.store.list(storeAuditDayPrefix(day))));
    const wanted = new Set(keys);
    for (const key of this.parsed.keys()) if (!wanted.has(key)) this.parsed.delete(key);
    const records: LiveRecord[] = [];
    for (const key of keys.sort()) records.push(...(await this.readObject(key)));
    return records;
  }

  /** The UTC days of the window, oldest first. */
  private days(): string[] {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const count = this.options.days ?? 7;
    return Array.from({ length: count }, (_, i) =>
      new Date(now - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10),
    );
  }

  private async readObject(key: string): Promise<LiveRecord[]> {
    const cached = this.parsed.get(key);
    if (cached) return cached;
    const object = await this.store.get(key);
    if (!object) return [];
    const records = Buffer.from(object.body)
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => liveRecordOf(JSON.parse(line) as AuditRecord));
    this.parsed.set(key, records);
    return records;
  }
}
