import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRef } from '../../models/model-ref';
import { storeKeys } from '../../models/store-layout';
import { writeFixtureModel } from '../../tests/helpers/model-fixture';
import type { FeedbackRecord } from '../core/feedback';
import { Registry } from '../registry/registry';
import { ensureChampion } from '../registry/ensure-champion';
import { LocalObjectStore } from '../store/local-store';
import type { ObjectStore } from '../store/object-store';
import { runRetention } from './retention';
import {
  DEFAULT_RETENTION,
  parseBytes,
  parseDays,
  retentionFromEnv,
  type RetentionConfig,
} from './retention-config';
import { runRetentionIfDue } from './scheduled-retention';

jest.setTimeout(60_000);

const fresh = () => new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-retention-')));
const at = (time: string) => () => new Date(time);
const limits = (
  audit: Partial<RetentionConfig['audit']>,
  feedback: Partial<RetentionConfig['feedback']> = {},
) => ({
  audit: { days: 30, bytes: null, ...audit },
  feedback: { days: 365, bytes: null, ...feedback },
});
const line = (day: string, bytes = 100) =>
  `${JSON.stringify({ time: `${day}T12:00:00.000Z`, pad: 'x'.repeat(bytes) })}\n`;
async function auditDays(store: ObjectStore, days: string[], bytes = 100) {
  for (const day of days) await store.put(`audit/${day}.jsonl`, line(day, bytes));
}
function feedback(id: string, receivedAt: string, text?: string): FeedbackRecord {
  return {
    schemaVersion: 1,
    predictionId: id,
    hs6: '610910',
    hs4: '6109',
    hs2: '61',
    submittedCode: '610910',
    receivedAt,
    prediction: {
      variant: 'textcnn',
      version: 'textcnn-000000000001',
      time: receivedAt,
      topK: [{ hs6: '610910', probability: 0.9 }],
      ...(text ? { text } : {}),
    },
  };
}
async function putFeedback(store: ObjectStore, record: FeedbackRecord) {
  await store.put(
    `feedback/${record.receivedAt.slice(0, 10)}/${record.predictionId}.json`,
    JSON.stringify(record),
  );
}
const keys = async (store: ObjectStore, prefix: string) => store.list(prefix);

describe('retention', () => {
  it('keeps whole UTC days, today included, across the day boundary', async () => {
    const store = fresh();
    await auditDays(store, ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']);
    // A millisecond before midnight, two days are 11-29 and 11-30 (12-01's file is kept as today or later).
    const before = await runRetention({
      store,
      config: limits({ days: 2 }),
      now: at('2026-11-30T23:59:59.999Z'),
      dryRun: true,
    });
    expect(before.audit.deleted).toEqual(['audit/2026-11-28.jsonl']);
    const after = await runRetention({
      store,
      config: limits({ days: 2 }),
      now: at('2026-12-01T00:00:00.000Z'),
    });
    expect(after.audit.deleted).toEqual(['audit/2026-11-28.jsonl', 'audit/2026-11-29.jsonl']);
    expect(await keys(store, 'audit/')).toEqual(['audit/2026-11-30.jsonl', 'audit/2026-12-01.jsonl']);
  });

  it('deletes nothing on a dry run', async () => {
    const store = fresh();
    await auditDays(store, ['2026-11-01', '2026-12-01']);
    const report = await runRetention({
      store,
      config: limits({ days: 1 }),
      now: at('2026-12-01T08:00:00Z'),
      dryRun: true,
    });
    expect(report.audit.deleted).toEqual(['audit/2026-11-01.jsonl']);
    expect(await keys(store, 'audit/')).toHaveLength(2);
  });

  it('applies to the clouds’ audit objects (audit/<day>/…) as to the local daily files', async () => {
    const store = fresh();
    await store.put('audit/2026-11-20/20261120T120000000Z-a-000000.jsonl', line('2026-11-20'));
    await store.put('audit/2026-12-01/20261201T080000000Z-a-000001.jsonl', line('2026-12-01'));
    await store.put('audit/notes.txt', 'not a day');
    const report = await runRetention({
      store,
      config: limits({ days: 7 }),
      now: at('2026-12-01T09:00:00Z'),
    });
    expect(report.audit.deleted).toEqual(['audit/2026-11-20/20261120T120000000Z-a-000000.jsonl']);
    expect(await keys(store, 'audit/')).toHaveLength(2);
  });

  it('deletes the oldest days first past a byte cap, and never today even when the cap is smaller than its file', async () => {
    const store = fresh();
    await auditDays(store, ['2026-11-29', '2026-11-30', '2026-12-01'], 1000);
    const size = line('2026-12-01', 1000).length;
    const roomy = await runRetention({
      store,
      config: limits({ bytes: 2 * size }),
      now: at('2026-12-01T09:00:00Z'),
    });
    expect(roomy.audit.deleted).toEqual(['audit/2026-11-29.jsonl']);
    expect([roomy.audit.keptBytes, roomy.audit.overCapBytes]).toEqual([2 * size, 0]);
    const tiny = await runRetention({
      store,
      config: limits({ bytes: 10 }),
      now: at('2026-12-01T09:00:00Z'),
    });
    expect(tiny.audit.deleted).toEqual(['audit/2026-11-30.jsonl']);
    expect(tiny.audit).toMatchObject({
      keptBytes: size,
      overCapBytes: size - 10,
      reason: 'today is still being written',
    });
    expect(await keys(store, 'audit/')).toEqual(['audit/2026-12-01.jsonl']);
  });

  it('checks its settings and says what a valid one looks like', () => {
    expect(parseBytes('20GiB', 'x')).toBe(20 * 2 ** 30);
    expect(parseBytes('500 MB', 'x')).toBe(500e6);
    expect(parseBytes('none', 'x')).toBeNull();
    expect(() => parseBytes('-5', '--audit-bytes')).toThrow(/--audit-bytes must be a size such as 500MB/);
    expect(() => parseBytes('12 parsecs', 'x')).toThrow(/got "12 parsecs"/);
    expect(() => parseDays('0', 'HSCODE_AUDIT_RETENTION_DAYS')).toThrow(
      /at least 1 \(today is always kept\)/,
    );
    expect(() => parseDays('2.5', 'x')).toThrow(/whole number/);
    expect(retentionFromEnv({})).toEqual(DEFAULT_RETENTION);
    expect(
      retentionFromEnv({ HSCODE_AUDIT_RETENTION_DAYS: '3', HSCODE_FEEDBACK_RETENTION_BYTES: '1KiB' }),
    ).toMatchObject({
      audit: { days: 3, bytes: null },
      feedback: { days: 365, bytes: 1024 },
    });
  });
});

describe('retention and what is still needed', () => {
  let champion: ModelRef;
  let challenger: ModelRef;
  let models: string;

  beforeAll(async () => {
    models = mkdtempSync(join(tmpdir(), 'hscode-retention-models-'));
    champion = (await writeFixtureModel(models, { seed: 1 })).ref;
    challenger = (await writeFixtureModel(models, { seed: 2 })).ref;
  });

  /** A store with the two models and a challenger added at `since`. */
  async function experiment(since: string) {
    const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-retention-')));
    for (const ref of [champion, challenger]) {
      const prefix = storeKeys.modelPrefix(ref.variant, ref.version);
      for (const key of await new LocalObjectStore(models).list(prefix)) {
        await store.put(key, (await new LocalObjectStore(models).get(key))!.body);
      }
    }
    await ensureChampion(store, champion);
    await new Registry(store, { now: at(since) }).register(challenger, 'challenger', 0.5);
    return store;
  }

  it('keeps an open experiment’s audit and feedback though it started before the retention window', async () => {
    const store = await experiment('2026-11-20T10:00:00.000Z');
    await auditDays(store, ['2026-11-19', '2026-11-20', '2026-11-25', '2026-12-01']);
    await putFeedback(store, feedback('before', '2026-11-20T09:59:59.999Z'));
    await putFeedback(store, feedback('during', '2026-11-20T10:00:00.000Z'));
    const report = await runRetention({
      store,
      config: limits({ days: 2 }, { days: 2 }),
      now: at('2026-12-01T09:00:00Z'),
    });
    expect(report.needs.experimentSince).toBe('2026-11-20T10:00:00.000Z');
    expect(report.audit.deleted).toEqual(['audit/2026-11-19.jsonl']);
    expect(report.audit).toMatchObject({
      keptForNeeds: 2,
      reason: 'an open experiment started at 2026-11-20T10:00:00.000Z',
    });
    expect(report.feedback.deleted).toEqual(['feedback/2026-11-20/before.json']);
    // The experiment ends (the challenger is promoted): what it needed may go.
    await new Registry(store).promote(challenger, { reason: 'test' });
    const later = await runRetention({
      store,
      config: limits({ days: 2 }, { days: 2 }),
      now: at('2026-12-01T09:00:00Z'),
    });
    expect(later.needs.experimentSince).toBeUndefined();
    expect(later.audit.deleted).toEqual(['audit/2026-11-20.jsonl', 'audit/2026-11-25.jsonl']);
    expect(later.feedback.deleted).toEqual(['feedback/2026-11-20/during.json']);
  });

  it('keeps feedback that can teach while a retrain is pending, and what the last retrain has not consumed', async () => {
    const store = fresh();
    await putFeedback(store, feedback('taught', '2026-10-01T10:00:00.000Z', 'cotton t-shirt'));
    await putFeedback(store, feedback('silent', '2026-10-01T10:00:00.000Z'));
    await putFeedback(store, feedback('fresh', '2026-10-20T10:00:00.000Z', 'frozen shrimp'));
    const config = limits({}, { days: 7 });
    const now = at('2026-12-01T09:00:00Z');
    // A labelled file waits under data/incoming/ with no finished claim: it will read all feedback.
    await store.put(
      `${storeKeys.incomingData}feedback-abc.csv`,
      'description,hs_code\ncotton t-shirt,610910\n',
    );
    const pending = await runRetention({ store, config, now, dryRun: true });
    expect(pending.needs.pendingRetrains).toEqual(['data/incoming/feedback-abc.csv']);
    expect(pending.feedback.deleted).toEqual(['feedback/2026-10-01/silent.json']);
    expect(pending.feedback.reason).toBe('a pending retrain (data/incoming/feedback-abc.csv)');
    // The retrain finished (a done claim for the file's content), having started on 10-10.
    const sha = createHash('sha256').update('description,hs_code\ncotton t-shirt,610910\n').digest('hex');
    await store.put(
      `jobs/retrain/${sha}.json`,
      JSON.stringify({ status: 'done', startedAt: '2026-10-10T00:00:00.000Z' }),
    );
    const consumed = await runRetention({ store, config, now });
    expect(consumed.needs).toMatchObject({
      pendingRetrains: [],
      lastRetrainStart: '2026-10-10T00:00:00.000Z',
    });
    expect(consumed.feedback.deleted).toEqual([
      'feedback/2026-10-01/silent.json',
      'feedback/2026-10-01/taught.json',
    ]);
    expect(consumed.feedback).toMatchObject({ keptForNeeds: 1, reason: 'no retrain has consumed it yet' });
    expect(await keys(store, 'feedback/')).toEqual(['feedback/2026-10-20/fresh.json']);
  });

  it('runs from the scheduled jobs at most once per interval', async () => {
    const store = fresh();
    await auditDays(store, ['2026-11-01', '2026-12-01']);
    const config = { ...limits({ days: 7 }), everyMs: 3_600_000 };
    const first = await runRetentionIfDue({ store, config, now: at('2026-12-01T09:00:00Z') });
    expect(first?.audit.deleted).toEqual(['audit/2026-11-01.jsonl']);
    await auditDays(store, ['2026-11-02']);
    expect(await runRetentionIfDue({ store, config, now: at('2026-12-01T09:59:59Z') })).toBeUndefined();
    expect(
      (await runRetentionIfDue({ store, config, now: at('2026-12-01T10:00:00Z') }))?.audit.deleted,
    ).toEqual(['audit/2026-11-02.jsonl']);
  });
});
