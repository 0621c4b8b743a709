import { type ModelRef, isModelRef, modelRefKey } from '../../models/model-ref';
import type { HistoryEntry, HistoryEventType } from '../registry/history';

/** A number, or an interval such as a 95% CI. */
export type KeyStat = number | [number, number];

/** One registry decision as the dashboard lists it. */
export interface DecisionRow {
  seq: number;
  time: string;
  type: HistoryEventType;
  actor: string;
  subject: ModelRef;
  /** The sentence the decision was recorded with, or one made from its event when it had none. */
  reason: string;
  /** The numbers behind it, named as recorded (dotted when nested: "gate.candidate"). */
  stats: Record<string, KeyStat>;
}

const MAX_STATS = 12;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isInterval = (value: unknown): value is [number, number] =>
  Array.isArray(value) && value.length === 2 && value.every(isNumber);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The numbers at the top of `source` (and one level down), under `prefix`. */
function collectStats(source: Record<string, unknown>, prefix: string, into: Record<string, KeyStat>): void {
  for (const [key, value] of Object.entries(source)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isNumber(value) || isInterval(value)) into[name] ??= value;
  }
}

/**
 * The numbers a reader needs to check a decision: a statistics test's result (`stats`), the
 * gate's scores, the weights, and the candidate's held-out subheading top-1. Deeper blobs (a
 * manifest's full metrics, lineage) stay in the history, one click away from `hscode registry`.
 */
export function keyStats(details: Record<string, unknown>): Record<string, KeyStat> {
  const stats: Record<string, KeyStat> = {};
  if (isRecord(details.stats)) collectStats(details.stats, '', stats);
  collectStats(details, '', stats);
  for (const nested of ['gate', 'guardrails', 'drift']) {
    const value = details[nested];
    if (isRecord(value)) collectStats(value, nested, stats);
  }
  // A drift alarm lists its signals: their PSI is the number that raised it.
  if (Array.isArray(details.indicators)) {
    for (const indicator of details.indicators) {
      if (isRecord(indicator) && typeof indicator.name === 'string' && isNumber(indicator.psi))
        stats[`psi.${indicator.name}`] ??= indicator.psi;
    }
  }
  const metrics = details.metrics;
  if (isRecord(metrics) && isRecord(metrics.validation) && isRecord(metrics.validation.top1)) {
    const top1 = metrics.validation.top1.hs6;
    if (isNumber(top1)) stats['validation.top1.hs6'] ??= top1;
  }
  return Object.fromEntries(Object.entries(stats).slice(0, MAX_STATS));
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string' && s !== '') : [];

/** What the event says when its writer gave no reason of its own. */
function describeEvent(entry: HistoryEntry): string {
  const { details } = entry;
  const subject = modelRefKey(entry.subject);
  const weight = isNumber(details.weight) ? ` at weight ${details.weight}` : '';
  switch (entry.type) {
    case 'registered': {
      const top1 = keyStats(details)['validation.top1.hs6'];
      const role = typeof details.role === 'string' ? ` as ${details.role}` : '';
      return `${subject} registered${role}${weight}${isNumber(top1) ? `; held-out subheading top-1 ${pct(top1)}` : ''}`;
    }
    case 'challenger-added':
      return `${subject} takes ${isNumber(details.weight) ? pct(details.weight) : 'a share'} of traffic as a challenger`;
    case 'shadow-added':
      return `${subject} scores live traffic as a shadow, answering nobody`;
    case 'ramped':
      return isNumber(details.from) && isNumber(details.to)
        ? `${subject} traffic share ${pct(details.from)} → ${pct(details.to)}`
        : `${subject} traffic share changed`;
    case 'promoted':
      return isModelRef(details.previousChampion)
        ? `${subject} replaces ${modelRefKey(details.previousChampion)} as champion`
        : `${subject} became champion`;
    case 'rolled-back':
      return isModelRef(details.restored)
        ? `${subject} rolled back; ${modelRefKey(details.restored)} is champion again`
        : `${subject} removed from serving`;
    case 'rejected':
      return `${subject} rejected`;
    case 'drift-alarm':
      return `drift alarm on ${subject}`;
    case 'integrity-alarm':
      return `${subject} refused: its files are not the ones the registry approved`;
    case 'history-anchored':
      return 'history written by an older version checked and anchored';
  }
}

/** The reason as recorded: `reason`, else `reasons` (a rejection's), else the gate's; else described. */
export function decisionReason(entry: HistoryEntry): string {
  const { details } = entry;
  if (typeof details.reason === 'string' && details.reason.trim() !== '') return details.reason.trim();
  const reasons = strings(details.reasons);
  const gate = isRecord(details.gate) ? strings(details.gate.reasons) : [];
  const listed = reasons.length > 0 ? reasons : gate;
  return listed.length > 0 ? `${describeEvent(entry)}: ${listed.join('; ')}` : describeEvent(entry);
}

export function decisionRow(entry: HistoryEntry): DecisionRow {
  return {
    seq: entry.seq,
    time: entry.time,
    type: entry.type,
    actor: entry.actor,
    subject: { variant: entry.subject.variant, version: entry.subject.version },
    reason: decisionReason(entry),
    stats: keyStats(entry.details),
  };
}
