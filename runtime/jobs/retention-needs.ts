import { createHash } from 'node:crypto';
import { sameModel } from '../../models/model-ref';
import { storeKeys } from '../../models/store-layout';
import type { FeedbackRecord } from '../core/feedback';
import { readHistory } from '../registry/history';
import { readRegistryState } from '../registry/registry-state';
import type { ObjectStore } from '../store/object-store';

/**
 * What retention must never delete, read from the store:
 * - an open experiment (a challenger in the registry) needs every audit record and every piece of
 *   feedback since it started: the promote job compares the arms on exactly that traffic, and a
 *   shorter record could change its decision. Its start is the time of the newest
 *   `challenger-added` entry for it in the history; a challenger without one keeps everything.
 * - a pending retrain needs the feedback that can teach (feedback whose prediction kept its
 *   description text): a labelled file under data/incoming/ that no retrain has finished with
 *   (no `done` claim for its content) will read all of that feedback when it runs, so none is
 *   deleted while one waits; otherwise what arrived after the newest finished retrain started is
 *   not yet consumed and is kept.
 */
export interface RetentionNeeds {
  /** The earliest start of an open experiment; '' when a challenger's start is unknown; absent without one. */
  experimentSince?: string;
  /** Incoming files no retrain has finished with. */
  pendingRetrains: string[];
  /** When the newest finished retrain started; absent when none has finished. */
  lastRetrainStart?: string;
}

interface ClaimRecord {
  status?: string;
  startedAt?: string;
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const object = await store.get(key);
  if (!object) return undefined;
  try {
    return JSON.parse(Buffer.from(object.body).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export async function readRetentionNeeds(store: ObjectStore): Promise<RetentionNeeds> {
  const needs: RetentionNeeds = { pendingRetrains: [] };
  const state = (await readRegistryState(store))?.state;
  if (state && state.challengers.length > 0) {
    const history = await readHistory(store);
    const starts = state.challengers.map((challenger) => {
      let start = '';
      for (const entry of history) {
        if (entry.type === 'challenger-added' && sameModel(entry.subject, challenger)) start = entry.time;
      }
      return start;
    });
    needs.experimentSince = starts.reduce((earliest, start) => (start < earliest ? start : earliest));
  }
  for (const key of await store.list('jobs/retrain/')) {
    const claim = await readJson<ClaimRecord>(store, key);
    const later =
      claim?.status === 'done' &&
      claim.startedAt !== undefined &&
      (needs.lastRetrainStart === undefined || claim.startedAt > needs.lastRetrainStart);
    if (later) needs.lastRetrainStart = claim.startedAt;
  }
  for (const key of await store.list(storeKeys.incomingData)) {
    const object = await store.get(key);
    if (!object) continue;
    const sha = createHash('sha256').update(object.body).digest('hex');
    const claim = await readJson<ClaimRecord>(store, `jobs/retrain/${sha}.json`);
    if (claim?.status !== 'done') needs.pendingRetrains.push(key);
  }
  return needs;
}

/** Why a feedback record must be kept, or undefined when retention may delete it. */
export function feedbackNeed(record: FeedbackRecord, needs: RetentionNeeds): string | undefined {
  if (needs.experimentSince !== undefined && record.receivedAt >= needs.experimentSince)
    return `an open experiment started at ${needs.experimentSince || 'an unknown time'}`;
  if (record.prediction?.text) {
    if (needs.pendingRetrains.length > 0) return `a pending retrain (${needs.pendingRetrains[0]})`;
    if (!needs.lastRetrainStart || record.receivedAt > needs.lastRetrainStart)
      return 'no retrain has consumed it yet';
  }
  return undefined;
}
