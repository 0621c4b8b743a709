import Table from 'cli-table3';
import { basename } from 'node:path';
import type { FileReport, IngestReport } from './report';
import { REJECT_REASONS, type RejectReason } from './types';

const REASON_HINTS: Record<RejectReason, string> = {
  'malformed-record': 'broken CSV quoting or a line that is not a JSON object',
  'invalid-utf8': 'bytes that are not UTF-8: save the file as UTF-8',
  'empty-text': 'no description',
  'too-long': 'description over the length limit',
  'missing-code': 'no HS code',
  'leading-zero-lost': '5 digits: the leading zero was lost; keep codes as text',
  'malformed-code': 'not a code of 6 to 10 digits',
  'unknown-hs6': 'not an HS 2022 subheading',
  duplicate: 'same description and code as an earlier row (the first is kept)',
  'conflicting-label': 'same description as an earlier row with another code',
};

const CONFLICTS_SHOWN = 10;
const PLAIN = { head: [], border: [] };
const n = (value: number) => value.toLocaleString('en-US');

/** The summary `hscode data check` and `hscode train` print: per file, per reason, conflicts, verdict. */
export function formatIngestReport(report: IngestReport): string {
  const parts = [filesTable(report)];
  const unreadable = report.files.filter((f) => f.error);
  if (unreadable.length) parts.push(unreadable.map((f) => `cannot use ${f.error!.message}`).join('\n'));
  if (report.total.rejected > 0) parts.push(reasonsTable(report));
  if (report.conflictCount > 0) parts.push(conflictsTable(report));
  parts.push(verdict(report));
  return parts.join('\n');
}

function filesTable(report: IngestReport): string {
  const table = new Table({
    head: ['file', 'format', 'columns used', 'rows', 'accepted', 'rejected', 'HS6', 'chapters'],
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    style: PLAIN,
  });
  for (const file of report.files) {
    table.push([
      file.file,
      file.format ?? '—',
      columnsOf(file),
      file.error ? 'unreadable' : n(file.rowsRead),
      n(file.accepted),
      n(file.rejected),
      n(file.distinctHs6),
      n(file.chapters.length),
    ]);
  }
  if (report.files.length > 1) {
    const t = report.total;
    table.push([
      'total',
      '',
      '',
      n(t.rowsRead),
      n(t.accepted),
      n(t.rejected),
      n(t.distinctHs6),
      n(t.chapters.length),
    ]);
  }
  return table.toString();
}

function columnsOf(file: FileReport): string {
  if (file.textColumn === undefined || file.codeColumn === undefined) return '—';
  return `${file.textColumn} / ${file.codeColumn}`;
}

function reasonsTable(report: IngestReport): string {
  const table = new Table({
    head: ['rejected because', 'rows', 'meaning'],
    colAligns: ['left', 'right', 'left'],
    style: PLAIN,
  });
  for (const reason of REJECT_REASONS) {
    const count = report.total.rejectedBy[reason];
    if (count > 0) table.push([reason, n(count), REASON_HINTS[reason]]);
  }
  return table.toString();
}

function conflictsTable(report: IngestReport): string {
  const table = new Table({
    head: ['conflicting description', 'kept (first)', 'code', 'rejected', 'code'],
    style: PLAIN,
  });
  for (const c of report.conflicts.slice(0, CONFLICTS_SHOWN)) {
    const text = c.text.length > 40 ? `${c.text.slice(0, 39)}…` : c.text;
    table.push([
      text,
      `${basename(c.first.source)}:${c.first.line}`,
      c.first.hs6,
      `${basename(c.other.source)}:${c.other.line}`,
      c.other.hs6,
    ]);
  }
  const more = report.conflictCount - Math.min(CONFLICTS_SHOWN, report.conflicts.length);
  return more > 0
    ? `${table.toString()}\n… and ${n(more)} more conflicts in the rejects file`
    : table.toString();
}

function verdict(report: IngestReport): string {
  const { total } = report;
  const unreadable = report.files.filter((f) => f.error).length;
  const coverage = `${n(total.distinctHs6)} HS6 subheadings in ${n(total.chapters.length)} chapters`;
  const where = report.rejectsPath ? `, listed in ${report.rejectsPath}` : ' (no rejects file was asked for)';
  if (unreadable > 0) {
    return (
      `NOT OK: ${n(unreadable)} of ${n(report.files.length)} files could not be used (see above); ` +
      `${n(total.accepted)} of ${n(total.rowsRead)} rows accepted from the others${total.rejected ? `, ${n(total.rejected)} rejected${where}` : ''}.`
    );
  }
  if (total.rejected > 0) {
    return `NOT OK: ${n(total.accepted)} of ${n(total.rowsRead)} rows accepted (${coverage}); ${n(total.rejected)} rejected${where}.`;
  }
  return `OK: all ${n(total.rowsRead)} rows accepted (${coverage}).`;
}
