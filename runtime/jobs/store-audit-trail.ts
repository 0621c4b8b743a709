import type { AuditRecord } from '../core/audit';
import { storeAuditDayPrefix } from '../core/store-audit-sink';
import { emptySpec, widenSpec, type AuditNeeds, type AuditSpec } from '../monitoring/audit-needs';
import { forEachAuditRecord } from '../monitoring/audit-lines';
import { AuditPart } from '../monitoring/audit-part';
import type { AuditTrail } from '../monitoring/audit-trail';
import { AuditWindow } from '../monitoring/audit-window';
import type { ObjectStore } from '../store/object-store';

const DAY_MS = 24 * 60 * 60 * 1000;

interface DayState {
  /** The day's keys folded into the part, in listing order: a prefix of the sorted listing. */
  folded: string[];
  part: AuditPart;
}

/**
 * The functions' audit trail (`audit/<day>/*.jsonl` objects) for the jobs and the dashboard: the
 * newest `days` days, as running aggregates, one part per day. Audit objects are immutable and
 * named so that listing order is write order, so a warm instance streams each object once and
 * afterwards only the objects listed after the last it read; an object that appears earlier in
 * the listing (a slow writer's) makes it read that day again.
 */
export class StoreAuditTrail implements AuditTrail {
  private spec: AuditSpec = emptySpec();
  private readonly dayStates = new Map<string, DayState>();

  constructor(
    private readonly store: ObjectStore,
    private readonly options: { days?: number; now?: () => Date } = {},
  ) {}

  async window(needs: AuditNeeds = {}): Promise<AuditWindow> {
    const wider = widenSpec(this.spec, needs);
    if (wider) {
      this.spec = wider;
      this.dayStates.clear();
    }
    const days = this.days();
    for (const day of this.dayStates.keys()) if (!days.includes(day)) this.dayStates.delete(day);
    const snapshot: [string, number][] = [];
    for (const day of days) {
      const keys = await this.store.list(storeAuditDayPrefix(day));
      let state = this.dayStates.get(day);
      const continues = state?.folded.every((key, i) => keys[i] === key) ?? false;
      if (!state || !continues) state = { folded: [], part: new AuditPart(this.spec) };
      const part = state.part;
      for (const key of keys.slice(state.folded.length)) {
        await this.streamObject(key, (record) => part.add(record));
        state.folded.push(key);
      }
      this.dayStates.set(day, state);
      snapshot.push([day, state.folded.length]);
    }
    const parts = snapshot.map(([day]) => (this.dayStates.get(day) as DayState).part);
    return new AuditWindow(parts, this.spec, async (visit) => {
      for (const [day, count] of snapshot) {
        for (const key of (this.dayStates.get(day)?.folded ?? []).slice(0, count))
          await this.streamObject(key, visit);
      }
    });
  }

  private async streamObject(key: string, onRecord: (record: AuditRecord) => void): Promise<void> {
    const stream = await this.store.readStream(key);
    if (!stream) return; // deleted since it was listed (retention)
    try {
      await forEachAuditRecord(stream, onRecord, { lastLineComplete: true });
    } finally {
      stream.destroy();
    }
  }

  /** The UTC days of the window, oldest first. */
  private days(): string[] {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const count = this.options.days ?? 7;
    return Array.from({ length: count }, (_, i) =>
      new Date(now - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10),
    );
  }
}
