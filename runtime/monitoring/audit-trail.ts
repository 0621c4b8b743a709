import type { AuditNeeds } from './audit-needs';
import type { AuditWindow } from './audit-window';

/**
 * Where the jobs and the dashboard get the audit window from: the local daily files or a store's
 * audit objects. Each keeps running aggregates and reads only what was added since its last
 * answer; asking for needs it was not keeping rebuilds them once, by reading the window as a
 * stream.
 */
export interface AuditTrail {
  window(needs?: AuditNeeds): Promise<AuditWindow>;
}
