import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord } from '../../runtime/core/audit';

/** Every audit record a local store's daily files hold (none without an audit folder). */
export function auditRecordsIn(home: string): AuditRecord[] {
  const folder = join(home, 'audit');
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((file) =>
    readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditRecord),
  );
}
