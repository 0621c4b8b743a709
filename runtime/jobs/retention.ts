import type { FeedbackRecord } from '../core/feedback';
import type { ObjectStore } from '../store/object-store';
import type { RetentionConfig, RetentionLimit } from './retention-config';
import { feedbackNeed, readRetentionNeeds, type RetentionNeeds } from './retention-needs';

const DAY_MS = 86_400_000;

/** What retention did to one kind of record. */
export interface RetentionOutcome {
  deleted: string[];
  deletedBytes: number;
  /** Bytes left, and how far they are over the byte cap (0 when under it or without one). */
  keptBytes: number;
  overCapBytes: number;
  /** Objects past the limits kept because something still needs them, with the first reason. */
  keptForNeeds: number;
  reason?: string;
}

export interface RetentionReport {
  now: string;
  dryRun: boolean;
  needs: RetentionNeeds;
  audit: RetentionOutcome;
  feedback: RetentionOutcome;
}

interface Item {
  key: string;
  day: string;
  /** Why it must stay, or undefined. */
  need?: string;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayOf = (key: string, prefix: string): string | undefined =>
  new RegExp(`^${prefix}(\\d{4}-\\d{2}-\\d{2})(?:\\.jsonl$|/)`).exec(key)?.[1];

/** The object's size: from the store where it can tell, else by reading it through. */
async function sizeOf(store: ObjectStore, key: string): Promise<number> {
  if (store.size) return (await store.size(key)) ?? 0;
  const stream = await store.readStream(key);
  let bytes = 0;
  if (stream) for await (const chunk of stream as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}

/**
 * Deletes what is past its limit and not needed: first every object of a day older than the
 * limit's days, then, while a byte cap is exceeded, the oldest days' objects that remain. What
 * needs keep (today, an open experiment, a pending retrain) is never deleted, even when the cap
 * cannot be met: the outcome then says by how much it is over and why.
 */
async function apply(
  store: ObjectStore,
  items: Item[],
  limit: RetentionLimit,
  now: number,
  dryRun: boolean,
): Promise<RetentionOutcome> {
  const firstKept = utcDay(now - (limit.days - 1) * DAY_MS);
  const outcome: RetentionOutcome = {
    deleted: [],
    deletedBytes: 0,
    keptBytes: 0,
    overCapBytes: 0,
    keptForNeeds: 0,
  };
  const remove = async (item: Item, bytes: number) => {
    if (!dryRun) await store.delete(item.key);
    outcome.deleted.push(item.key);
    outcome.deletedBytes += bytes;
  };
  const keep = (item: Item) => {
    outcome.keptForNeeds++;
    outcome.reason ??= item.need;
  };
  const sorted = [...items].sort((a, b) =>
    a.day === b.day ? (a.key < b.key ? -1 : 1) : a.day < b.day ? -1 : 1,
  );
  const left: Item[] = [];
  for (const item of sorted) {
    if (item.day >= firstKept) left.push(item);
    else if (item.need) {
      keep(item);
      left.push(item);
    } else await remove(item, limit.bytes === null ? 0 : await sizeOf(store, item.key));
  }
  if (limit.bytes === null) return outcome;
  const sizes = new Map<string, number>();
  for (const item of left) sizes.set(item.key, await sizeOf(store, item.key));
  let total = [...sizes.values()].reduce((sum, n) => sum + n, 0);
  for (const item of left) {
    if (total <= limit.bytes) break;
    if (item.need) {
      if (item.day >= firstKept) keep(item);
      continue;
    }
    await remove(item, sizes.get(item.key) as number);
    total -= sizes.get(item.key) as number;
  }
  outcome.keptBytes = total;
  outcome.overCapBytes = Math.max(0, total - limit.bytes);
  return outcome;
}

async function readFeedbackRecord(store: ObjectStore, key: string): Promise<FeedbackRecord | undefined> {
  const object = await store.get(key);
  if (!object) return undefined;
  try {
    return JSON.parse(Buffer.from(object.body).toString('utf8')) as FeedbackRecord;
  } catch {
    return undefined;
  }
}

/**
 * The retention job: audit records (`audit/<day>.jsonl` locally, `audit/<day>/…` in the clouds) and
 * feedback (`feedback/<day>/<id>.json`) past the configured days or byte caps are deleted, oldest
 * first, except what an open experiment, a pending retrain or today still needs
 * (see retention-needs.ts). `dryRun` reports without deleting.
 */
export async function runRetention(input: {
  store: ObjectStore;
  config: Pick<RetentionConfig, 'audit' | 'feedback'>;
  now?: () => Date;
  dryRun?: boolean;
  log?: (line: string) => void;
}): Promise<RetentionReport> {
  const { store, config } = input;
  const now = (input.now?.() ?? new Date()).getTime();
  const today = utcDay(now);
  const dryRun = input.dryRun ?? false;
  const needs = await readRetentionNeeds(store);
  const since = needs.experimentSince;

  const auditItems: Item[] = [];
  for (const key of await store.list('audit/')) {
    const day = dayOf(key, 'audit/');
    if (!day) continue;
    let need: string | undefined;
    if (day === today) need = 'today is still being written';
    else if (since !== undefined && (since === '' || day >= since.slice(0, 10)))
      need = `an open experiment started at ${since || 'an unknown time'}`;
    auditItems.push({ key, day, ...(need ? { need } : {}) });
  }

  const feedbackItems: Item[] = [];
  const firstKept = utcDay(now - (config.feedback.days - 1) * DAY_MS);
  for (const key of await store.list('feedback/')) {
    const day = dayOf(key, 'feedback/');
    if (!day) continue;
    // Only records retention may delete are read: those past the days, or any under a byte cap.
    if (day >= firstKept && config.feedback.bytes === null) {
      feedbackItems.push({ key, day });
      continue;
    }
    const record = await readFeedbackRecord(store, key);
    const need =
      day === today ? 'today is still being written' : record ? feedbackNeed(record, needs) : undefined;
    feedbackItems.push({ key, day, ...(need ? { need } : {}) });
  }

  const report: RetentionReport = {
    now: new Date(now).toISOString(),
    dryRun,
    needs,
    audit: await apply(store, auditItems, config.audit, now, dryRun),
    feedback: await apply(store, feedbackItems, config.feedback, now, dryRun),
  };
  const log = input.log ?? (() => undefined);
  for (const kind of ['audit', 'feedback'] as const) {
    const outcome = report[kind];
    if (outcome.deleted.length > 0 || outcome.overCapBytes > 0) {
      log(
        `retention: ${dryRun ? 'would delete' : 'deleted'} ${outcome.deleted.length} ${kind} object(s)` +
          (outcome.overCapBytes > 0
            ? `; ${outcome.overCapBytes} bytes over the cap, kept because of ${outcome.reason ?? 'today'}`
            : ''),
      );
    }
  }
  return report;
}
