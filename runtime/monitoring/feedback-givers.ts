import { hs2Of } from '../../models/hs/code';
import type { FeedbackRecord } from '../core/feedback';
import { wilsonInterval, type ProportionEstimate } from './wilson';

/** The giver of records written before feedback needed a credential: listed, never flagged. */
export const UNATTRIBUTED = 'unattributed';

/** One giver's feedback in the dashboard's window. */
export interface GiverRow {
  /** An analyst's key id (`key:<id>`), the cloud's verified caller, or `unattributed`. */
  givenBy: string;
  via: 'api-key' | 'cloud-identity' | null;
  records: number;
  /** Records whose prediction is known, so they can be compared with what the model answered. */
  matched: number;
  /** The model's top-1 subheading confirmed. */
  confirmed: number;
  /** Held for review by the hold rule (see feedback-review.ts), or still held. */
  held: number;
  /** Share of matched records that move the answer to another chapter than the model's top-1. */
  chapterChanges: ProportionEstimate;
  /** The same share over everyone else's matched records, the giver's yardstick. */
  othersChapterChanges: ProportionEstimate;
  lastAt: string;
  /** Set when the giver's corrections disagree with everyone else's (see DISAGREEMENT); says how. */
  disagrees?: string;
}

/**
 * The rule that flags a giver, stated once so the page, the README and the tests say the same:
 * a giver with at least `minRecords` matched records, compared with everyone else's pooled
 * matched records (at least `minRecords` too), is flagged when the share of their corrections
 * that move the model's answer to another chapter has a Wilson 95% interval entirely above
 * everyone else's, and is at least `minGap` higher. Moving to another chapter is what poisoning
 * looks like ("frozen shrimp" → firearms), and analysts who check the same model's answers agree
 * on the chapter far more often than on the subheading; the interval keeps a handful of unlucky
 * records from flagging anyone, the gap keeps a large but harmless difference from doing so.
 */
export const DISAGREEMENT = { minRecords: 20, minGap: 0.2 } as const;

const percent = (x: number | null) => `${Math.round((x ?? 0) * 100)}%`;

interface Tally {
  via: GiverRow['via'];
  records: number;
  matched: number;
  confirmed: number;
  changed: number;
  held: number;
  lastAt: string;
}

/** Feedback per giver, each compared with everyone else's: flagged givers first, then by records. */
export function feedbackByGiver(
  feedback: readonly FeedbackRecord[],
  rule: { minRecords: number; minGap: number } = DISAGREEMENT,
): GiverRow[] {
  const tallies = new Map<string, Tally>();
  for (const record of feedback) {
    const id = record.givenBy?.id ?? UNATTRIBUTED;
    const tally = tallies.get(id) ?? {
      via: record.givenBy?.via ?? null,
      records: 0,
      matched: 0,
      confirmed: 0,
      changed: 0,
      held: 0,
      lastAt: record.receivedAt,
    };
    tally.records++;
    if (record.receivedAt > tally.lastAt) tally.lastAt = record.receivedAt;
    if (record.review) tally.held++;
    const top = record.prediction?.topK[0];
    if (top) {
      tally.matched++;
      if (top.hs6 === record.hs6) tally.confirmed++;
      if (hs2Of(top.hs6) !== record.hs2) tally.changed++;
    }
    tallies.set(id, tally);
  }

  const all = [...tallies.values()].reduce(
    (sum, t) => ({ matched: sum.matched + t.matched, changed: sum.changed + t.changed }),
    { matched: 0, changed: 0 },
  );
  return [...tallies.entries()]
    .map(([givenBy, t]): GiverRow => {
      const mine = wilsonInterval(t.changed, t.matched);
      const others = wilsonInterval(all.changed - t.changed, all.matched - t.matched);
      const row: GiverRow = {
        givenBy,
        via: t.via,
        records: t.records,
        matched: t.matched,
        confirmed: t.confirmed,
        held: t.held,
        chapterChanges: mine,
        othersChapterChanges: others,
        lastAt: t.lastAt,
      };
      const compared = givenBy !== UNATTRIBUTED && mine.n >= rule.minRecords && others.n >= rule.minRecords;
      if (
        compared &&
        (mine.low as number) > (others.high as number) &&
        (mine.rate as number) - (others.rate as number) >= rule.minGap
      ) {
        row.disagrees = `moves ${percent(mine.rate)} of the answers it judged to another chapter (${t.changed} of ${t.matched}), against ${percent(others.rate)} for everyone else (${others.successes} of ${others.n})`;
      }
      return row;
    })
    .sort(
      (a, b) =>
        Number(Boolean(b.disagrees)) - Number(Boolean(a.disagrees)) ||
        b.records - a.records ||
        (a.givenBy < b.givenBy ? -1 : 1),
    );
}
