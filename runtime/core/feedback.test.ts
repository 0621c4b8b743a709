import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '../store/local-store';
import { inputSha256, type AuditRecord } from './audit';
import { FeedbackService, FeedbackValidationError, type FeedbackRecord } from './feedback';
import { LocalAuditSink } from './local-audit-sink';
import { firstFound, RecentPredictions } from './recent-predictions';

const freshRoot = () => mkdtempSync(join(tmpdir(), 'hscode-feedback-'));
const now = () => new Date('2024-09-10T08:00:00Z');

function served(extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    predictionId: randomUUID(),
    time: '2024-09-09T23:00:00.000Z',
    variant: 'textcnn',
    version: 'textcnn-0123456789ab',
    modelSha256: 'b'.repeat(64),
    inputSha256: inputSha256('mens cotton tee'),
    topK: [{ hs6: '610910', probability: 0.7 }],
    latencyMs: 0.2,
    ...extra,
  };
}

async function stored(store: LocalObjectStore, key: string): Promise<FeedbackRecord> {
  const object = await store.get(key);
  if (!object) throw new Error(`${key} was not stored`);
  return JSON.parse(Buffer.from(object.body).toString('utf8')) as FeedbackRecord;
}

describe('FeedbackService', () => {
  it('stores the true code under the day it arrived, with the model that made the prediction', async () => {
    const store = new LocalObjectStore(freshRoot());
    const recent = new RecentPredictions();
    const prediction = served({ text: 'mens cotton tee' });
    recent.remember(prediction);
    const feedback = new FeedbackService({ store, lookup: recent, now });
    const { key } = await feedback.submit({
      predictionId: prediction.predictionId,
      hs6: '6109.10.00.12',
      note: ' customs broker ',
    });
    expect(key).toBe(`feedback/2024-09-10/${prediction.predictionId}.json`);
    const record = await stored(store, key);
    expect(record).toMatchObject({
      predictionId: prediction.predictionId,
      hs6: '610910',
      hs4: '6109',
      hs2: '61',
      submittedCode: '6109.10.00.12',
      note: 'customs broker',
      receivedAt: '2024-09-10T08:00:00.000Z',
      prediction: {
        variant: 'textcnn',
        version: 'textcnn-0123456789ab',
        topK: prediction.topK,
        text: 'mens cotton tee',
      },
    });
    expect(await store.list('feedback/')).toEqual([key]);
  });

  it('finds older predictions in the audit trail; refuses unknown ones, or parks them where asked', async () => {
    const root = freshRoot();
    const audit = new LocalAuditSink(root);
    const old = served({ variant: 'bigru', version: 'bigru-aaaaaaaaaaaa' });
    audit.write(old);
    await audit.close();
    const store = new LocalObjectStore(root);
    const feedback = new FeedbackService({
      store,
      lookup: firstFound(new RecentPredictions(), new LocalAuditSink(root)),
      now,
    });
    const known = await feedback.submit({ predictionId: old.predictionId, hs6: '020110' });
    expect((await stored(store, known.key)).prediction).toMatchObject({
      variant: 'bigru',
      version: 'bigru-aaaaaaaaaaaa',
    });
    expect((await stored(store, known.key)).prediction?.text).toBeUndefined();
    await expect(feedback.submit({ predictionId: randomUUID(), hs6: '020110' })).rejects.toMatchObject({
      name: 'NotFoundError',
      code: 'unknown_prediction',
    });
    const parking = new FeedbackService({
      store,
      lookup: new RecentPredictions(),
      unknownPrediction: 'park',
      now,
    });
    const unknown = await parking.submit({ predictionId: randomUUID().toUpperCase(), hs6: '020110' });
    const record = await stored(store, unknown.key);
    expect(record.prediction).toBeNull();
    expect(record.predictionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('the hold rule', () => {
    const confident = (topK: Array<[string, number]>, needsReview = false) =>
      served({ topK: topK.map(([hs6, probability]) => ({ hs6, probability })), needsReview });
    const submitAgainst = async (prediction: ReturnType<typeof served>, hs6: string) => {
      const recent = new RecentPredictions();
      recent.remember(prediction);
      const store = new LocalObjectStore(freshRoot());
      const feedback = new FeedbackService({ store, lookup: recent, now });
      return (
        await feedback.submit(
          { predictionId: prediction.predictionId, hs6 },
          { id: 'key:0000aaaa', via: 'api-key' },
        )
      ).record;
    };

    it('holds a confident prediction corrected to another chapter outside its candidates', async () => {
      const record = await submitAgainst(
        confident([
          ['030617', 0.92],
          ['030616', 0.04],
        ]),
        '9303.20',
      );
      expect(record.review).toMatchObject({
        status: 'held',
        rule: expect.stringMatching(/confident in 030617 .* 930320 is in chapter 93/),
      });
      expect(record.givenBy).toEqual({ id: 'key:0000aaaa', via: 'api-key' });
    });

    it.each<[string, ReturnType<typeof served>, string]>([
      ['the model asked for review', confident([['030617', 0.4]], true), '930320'],
      [
        'the code is one of its candidates',
        confident([
          ['030617', 0.9],
          ['930320', 0.01],
        ]),
        '930320',
      ],
      ['the code stays in the same chapter', confident([['030617', 0.9]], false), '030616'],
    ])('takes the correction as evidence when %s', async (_, prediction, hs6) => {
      expect((await submitAgainst(prediction, hs6)).review).toBeUndefined();
    });
  });

  it('replaces an earlier correction of the same prediction on the same day', async () => {
    const store = new LocalObjectStore(freshRoot());
    const feedback = new FeedbackService({ store, now, unknownPrediction: 'park' });
    const predictionId = randomUUID();
    await feedback.submit({ predictionId, hs6: '610910' });
    const { key } = await feedback.submit({ predictionId, hs6: '610990' });
    expect((await stored(store, key)).hs6).toBe('610990');
    expect(await store.list('feedback/')).toEqual([key]);
  });

  describe('rejects, with a typed error and a message a person can act on,', () => {
    const feedback = new FeedbackService({ store: new LocalObjectStore(freshRoot()), now });
    const id = randomUUID();
    const rejection = async (input: Parameters<FeedbackService['submit']>[0]) => {
      try {
        await feedback.submit(input);
      } catch (err) {
        if (err instanceof FeedbackValidationError) return err;
        throw err;
      }
      throw new Error('accepted');
    };

    it('a code that is not digits', async () => {
      const err = await rejection({ predictionId: id, hs6: 'cotton' });
      expect(err).toMatchObject({ code: 'invalid_code', field: 'hs6' });
      expect(err.message).toMatch(/6 to 10 digits/);
    });

    it("a subheading that does not exist, listing its heading's real ones", async () => {
      const err = await rejection({ predictionId: id, hs6: '6109.99' });
      expect(err.code).toBe('unknown_subheading');
      expect(err.message).toMatch(
        /6109\.99 is not an HS 2022 subheading; heading 6109 .* has 6109\.10, 6109\.90/,
      );
    });

    it('a heading or chapter that does not exist', async () => {
      expect((await rejection({ predictionId: id, hs6: '619999' })).message).toMatch(
        /chapter 61 .* has no heading 6199/,
      );
      expect((await rejection({ predictionId: id, hs6: '770000' })).message).toMatch(
        /there is no chapter 77/,
      );
    });

    it('an id that no prediction could have had, and an oversized note', async () => {
      expect(await rejection({ predictionId: '../../etc', hs6: '610910' })).toMatchObject({
        code: 'invalid_prediction_id',
      });
      expect(await rejection({ predictionId: id, hs6: '610910', note: 'x'.repeat(5000) })).toMatchObject({
        code: 'invalid_note',
      });
    });
  });
});
