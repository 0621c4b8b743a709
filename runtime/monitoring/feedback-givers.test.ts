import type { FeedbackRecord } from '../core/feedback';
import { feedbackRecord } from '../../tests/helpers/feedback-fixture';
import { DISAGREEMENT, feedbackByGiver, UNATTRIBUTED } from './feedback-givers';

/** The model answered 610990 (chapter 61) every time; `hs6` is what the giver said. */
function given(id: string | undefined, hs6: string, i: number): FeedbackRecord {
  return feedbackRecord(`${id ?? 'anon'}-${i}`, hs6, undefined, id ? { id, via: 'api-key' } : null);
}

/** `n` records from `id`, `changed` of them to another chapter (firearms), the rest confirming. */
const batch = (id: string | undefined, n: number, changed: number) =>
  Array.from({ length: n }, (_, i) => given(id, i < changed ? '930320' : '610990', i));

describe('feedback per giver', () => {
  it('counts each giver’s records, confirmations, chapter changes and holds', () => {
    const held = {
      ...given('key:a', '930320', 99),
      review: { status: 'held' as const, rule: 'r', heldAt: 't' },
    };
    const unknown = { ...given('key:a', '610910', 98), prediction: null };
    const rows = feedbackByGiver([...batch('key:a', 3, 1), held, unknown, ...batch('key:b', 2, 0)]);
    expect(
      rows.map((r) => [r.givenBy, r.records, r.matched, r.confirmed, r.held, r.chapterChanges.successes]),
    ).toEqual([
      ['key:a', 5, 4, 2, 1, 2],
      ['key:b', 2, 2, 2, 0, 0],
    ]);
    expect(rows[0]?.othersChapterChanges).toMatchObject({ n: 2, successes: 0 });
  });

  it('flags a giver whose corrections move answers to another chapter far more often than everyone else’s', () => {
    const rows = feedbackByGiver([
      ...batch('key:poison', 30, 24),
      ...batch('key:a', 60, 3),
      ...batch('key:b', 60, 5),
    ]);
    expect(rows[0]).toMatchObject({
      givenBy: 'key:poison',
      disagrees:
        'moves 80% of the answers it judged to another chapter (24 of 30), against 7% for everyone else (8 of 120)',
    });
    expect(rows.filter((r) => r.disagrees)).toHaveLength(1);
  });

  it('flags nobody on too few records, on overlapping intervals, or on a gap under the minimum', () => {
    const few = DISAGREEMENT.minRecords - 1;
    // Every correction changes chapter, but there are too few of them to judge.
    expect(
      feedbackByGiver([...batch('key:p', few, few), ...batch('key:a', 100, 0)]).some((r) => r.disagrees),
    ).toBe(false);
    // Enough records, but everyone else is too few to be a yardstick.
    expect(
      feedbackByGiver([...batch('key:p', 40, 40), ...batch('key:a', few, 0)]).some((r) => r.disagrees),
    ).toBe(false);
    // 40% against 20%: a real difference, yet the intervals overlap at these counts.
    expect(
      feedbackByGiver([...batch('key:p', 25, 10), ...batch('key:a', 25, 5)]).some((r) => r.disagrees),
    ).toBe(false);
    // Intervals apart on many records, but the gap (10 points) is under the minimum.
    expect(
      feedbackByGiver([...batch('key:p', 4000, 600), ...batch('key:a', 4000, 200)]).some((r) => r.disagrees),
    ).toBe(false);
    // The same counts with a gap over the minimum are flagged: the rule's edges, not a dead branch.
    expect(
      feedbackByGiver([...batch('key:p', 4000, 1200), ...batch('key:a', 4000, 200)]).find((r) => r.disagrees)
        ?.givenBy,
    ).toBe('key:p');
  });

  it('lists records without a giver under one row it never flags, and counts them for everyone else', () => {
    const rows = feedbackByGiver([...batch(undefined, 40, 40), ...batch('key:a', 40, 0)]);
    const anonymous = rows.find((r) => r.givenBy === UNATTRIBUTED);
    expect(anonymous).toMatchObject({ via: null, records: 40 });
    expect(anonymous?.disagrees).toBeUndefined();
    expect(rows.find((r) => r.givenBy === 'key:a')?.othersChapterChanges).toMatchObject({
      n: 40,
      successes: 40,
    });
  });
});
