/**
 * The computations the jobs and the dashboard made before the audit window became running
 * aggregates: every record of the window held in memory. Kept only to show, on a realistic trail,
 * that the aggregates decide exactly as they did (tests/audit-window-equivalence.test.ts).
 */
import { readFileSync } from 'node:fs';
import { countsAsEvidence } from '../../runtime/core/feedback-review';
import { liveRecordOf, type AuditRecord, type LiveRecord } from '../../runtime/core/audit';
import { auditFolder, newestAuditFiles } from '../../runtime/core/local-audit-sink';
import type { FeedbackRecord } from '../../runtime/core/feedback';
import { withPrediction, type LiveOutcomes } from '../../runtime/jobs/live-outcomes';
import { modelRefKey, sameModel, type ModelRef } from '../../models/model-ref';
import type { LiveWindow } from '../../runtime/stats/drift';

export async function readAllRecords(home: string, days = 7): Promise<LiveRecord[]> {
  const records: LiveRecord[] = [];
  for (const path of (await newestAuditFiles(auditFolder(home), days)).reverse()) {
    const text = readFileSync(path, 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(liveRecordOf(JSON.parse(line) as AuditRecord));
      } catch {
        // skipped, as the trail skips it
      }
    }
  }
  return records;
}

export function referenceMatch(
  feedback: readonly FeedbackRecord[],
  audit: readonly LiveRecord[],
): FeedbackRecord[] {
  const unmatched = new Set(feedback.filter((f) => !f.prediction).map((f) => f.predictionId));
  if (unmatched.size === 0) return [...feedback];
  const served = new Map<string, LiveRecord>();
  for (const record of audit) {
    if (!record.shadow && unmatched.has(record.predictionId)) served.set(record.predictionId, record);
  }
  return feedback.map((f) => {
    const record = f.prediction ? undefined : served.get(f.predictionId);
    return record ? withPrediction(f, record) : f;
  });
}

export function referenceP99(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] as number;
}

export function referenceOutcomes(
  feedback: readonly FeedbackRecord[],
  audit: readonly LiveRecord[],
): Map<string, LiveOutcomes> {
  const byModel = new Map<string, LiveOutcomes>();
  const of = (ref: ModelRef) => {
    const key = modelRefKey(ref);
    let outcomes = byModel.get(key);
    if (!outcomes)
      byModel.set(key, (outcomes = { n: 0, correct: 0, byDay: {}, served: 0, latencyP99Ms: null }));
    return outcomes;
  };
  for (const record of feedback) {
    if (!record.prediction || !countsAsEvidence(record)) continue;
    const outcomes = of(record.prediction);
    const hit = record.prediction.topK[0]?.hs6 === record.hs6 ? 1 : 0;
    const day = record.receivedAt.slice(0, 10);
    const daily = (outcomes.byDay[day] ??= { n: 0, correct: 0 });
    outcomes.n++;
    outcomes.correct += hit;
    daily.n++;
    daily.correct += hit;
  }
  const latencies = new Map<string, number[]>();
  for (const record of audit) {
    const key = modelRefKey(record);
    if (!record.shadow) of(record).served++;
    let list = latencies.get(key);
    if (!list) latencies.set(key, (list = []));
    list.push(record.latencyMs);
  }
  for (const [key, list] of latencies) {
    const outcomes = byModel.get(key);
    if (outcomes) outcomes.latencyP99Ms = referenceP99(list);
  }
  return byModel;
}

export function referenceLiveWindow(records: readonly LiveRecord[]): LiveWindow {
  const chapterCounts: Record<string, number> = {};
  const topConfidences: number[] = [];
  let words = 0;
  let unknownWords = 0;
  for (const record of records) {
    const top = record.topK[0];
    if (!top) continue;
    const chapter = top.hs6.slice(0, 2);
    chapterCounts[chapter] = (chapterCounts[chapter] ?? 0) + 1;
    topConfidences.push(top.probability);
    if (typeof record.words === 'number' && typeof record.unknownWords === 'number') {
      words += record.words;
      unknownWords += record.unknownWords;
    }
  }
  return { chapterCounts, topConfidences, words, unknownWords };
}

/** The promote job's evidence for one arm since `since`: feedback counts and served operations. */
export function referenceArm(
  feedback: readonly FeedbackRecord[],
  audit: readonly LiveRecord[],
  ref: ModelRef,
  since: string,
) {
  let n = 0;
  let successes = 0;
  for (const record of feedback) {
    const prediction = record.prediction;
    if (!prediction || prediction.time < since || !sameModel(prediction, ref) || !countsAsEvidence(record))
      continue;
    n++;
    if (prediction.topK[0]?.hs6 === record.hs6) successes++;
  }
  const latencies = audit
    .filter((r) => !r.shadow && r.time >= since && sameModel(r, ref))
    .map((r) => r.latencyMs);
  return { n, successes, requests: latencies.length, errors: 0, latencyP99Ms: referenceP99(latencies) ?? 0 };
}

export const referenceNewest = (audit: readonly LiveRecord[], ref: ModelRef, size: number) =>
  referenceLiveWindow(audit.filter((r) => !r.shadow && sameModel(r, ref)).slice(-size));
