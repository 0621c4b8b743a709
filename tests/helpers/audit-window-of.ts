import type { AuditRecord } from '../../runtime/core/audit';
import { emptySpec, widenSpec, type AuditNeeds } from '../../runtime/monitoring/audit-needs';
import { AuditPart } from '../../runtime/monitoring/audit-part';
import type { AuditTrail } from '../../runtime/monitoring/audit-trail';
import { AuditWindow } from '../../runtime/monitoring/audit-window';

/** An audit window over records held in memory, one part per `partSize` records (tests only). */
export function auditWindowOf(
  records: readonly Partial<AuditRecord>[],
  needs: AuditNeeds = {},
  partSize = Infinity,
): AuditWindow {
  const spec = widenSpec(emptySpec(), needs) ?? emptySpec();
  const parts: AuditPart[] = [];
  records.forEach((record, i) => {
    if (i % partSize === 0 || parts.length === 0) parts.push(new AuditPart(spec));
    parts[parts.length - 1]!.add(record as AuditRecord);
  });
  return new AuditWindow(parts, spec, async (visit) => {
    for (const record of records) visit(record as AuditRecord);
  });
}

/** An audit trail over records held in memory: each window is built from them afresh (tests only). */
export const auditTrailOf = (records: readonly Partial<AuditRecord>[]): AuditTrail => ({
  window: async (needs) => auditWindowOf(records, needs),
});
