import { csvRecord } from './csv-cells';
import type { BatchReject } from './batch-items';

export const REJECTS_HEADER = csvRecord(['line', 'reason', 'raw']);

export const rejectRecord = (reject: BatchReject): string =>
  csvRecord([String(reject.line), reject.reason, reject.raw]);
