import type { AuditRecord } from '../core/audit';

/**
 * Feeds each audit record of a JSON-lines stream to `onRecord`, chunk by chunk, never holding
 * more than one chunk and one line. Returns the bytes up to the end of the last complete line:
 * a last line without its newline may still be mid-append, so it is left for the next read,
 * unless `lastLineComplete` (an object store's objects are written whole). A line that is not a
 * record (cut short by a crash, hand-edited) is skipped: the rest of the trail still counts.
 */
export async function forEachAuditRecord(
  chunks: AsyncIterable<Uint8Array | string>,
  onRecord: (record: AuditRecord) => void,
  options: { lastLineComplete?: boolean } = {},
): Promise<number> {
  let carry: Buffer | undefined;
  let consumed = 0;
  for await (const chunk of chunks) {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = carry ? Buffer.concat([carry, bytes]) : bytes;
    let start = 0;
    for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
      parseLine(data.subarray(start, end), onRecord);
      start = end + 1;
    }
    consumed += start;
    carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
  }
  if (carry && options.lastLineComplete) {
    parseLine(carry, onRecord);
    consumed += carry.length;
  }
  return consumed;
}

function parseLine(line: Buffer, onRecord: (record: AuditRecord) => void): void {
  const text = line.toString('utf8');
  if (text.trim() === '') return;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return;
  }
  if (typeof record !== 'object' || record === null) return;
  const { topK } = record as { topK?: unknown };
  if (topK === undefined || topK === null) return;
  onRecord(record as AuditRecord);
}
