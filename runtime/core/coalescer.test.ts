import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureModel } from '../../tests/helpers/model-fixture';
import { tinyDataset } from '../../tests/helpers/tiny-dataset';
import { LocalObjectStore } from '../store/local-store';
import type { Classifier, Prediction, PredictOptions } from './classifier';
import { Coalescer, CoalescerClosedError, coalescingBounds, type CoalescedBatch } from './coalescer';
import { OnnxClassifier } from './onnx-classifier';
import { releaseSharedSessions } from './session-cache';

const texts = tinyDataset()
  .filter((_, i) => i % 5 === 0)
  .map((r) => r.text);

/** The real classifier, with every model call it receives written down (and some made to fail). */
class RecordingClassifier implements Classifier {
  readonly calls: string[][] = [];
  failWhenAsked: string | undefined;

  constructor(private readonly inner: Classifier) {}

  get info() {
    return this.inner.info;
  }

  async predict(batch: readonly string[], options: PredictOptions): Promise<Prediction[]> {
    this.calls.push([...batch]);
    if (this.failWhenAsked !== undefined && batch.includes(this.failWhenAsked)) {
      throw new Error(`cannot classify "${this.failWhenAsked}"`);
    }
    return this.inner.predict(batch, options);
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  let classifier: OnnxClassifier;
  let recording: RecordingClassifier;
  const batches: CoalescedBatch[] = [];
  const coalescer = (options = {}) => new Coalescer(recording, options, (batch) => batches.push(batch));

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'hscode-coalescer-'));
    const fixture = await writeFixtureModel(home, { abstainThreshold: 0.045 });
    classifier = await OnnxClassifier.load(new LocalObjectStore(home), fixture.ref);
  });
  beforeEach(() => {
    recording = new RecordingClassifier(classifier);
    batches.length = 0;
  });
  afterAll(() => releaseSharedSessions());

  const alone = (text: string, topK: number) =>
    classifier.predict([text], { topK, explain: false }).then(([p]) => p);

  it('answers concurrent requests with one model call, each exactly what it gets alone, in its order', async () => {
    const requests = Array.from({ length: 12 }, (_, i) => ({
      texts: texts.slice(i, i + 1 + (i % 3)),
      topK: 1 + (i % 5),
    }));
    const c = coalescer({ maxWaitMs: 1000 });
    const answers = await Promise.all(
      requests.map((r) => c.predict(r.texts, { topK: r.topK, explain: false })),
    );
    expect(recording.calls).toHaveLength(1);
    expect(recording.calls[0]).toEqual(requests.flatMap((r) => r.texts));
    expect(batches).toEqual([
      { requests: 12, descriptions: recording.calls[0]?.length, waitedMs: expect.any(Number) },
    ]);
    for (const [i, request] of requests.entries()) {
      expect(answers[i]).toHaveLength(request.texts.length);
      for (const [j, text] of request.texts.entries()) {
        // Bit for bit: a row's probabilities do not depend on the rows beside it.
        expect(answers[i]?.[j]).toEqual(await alone(text, request.topK));
      }
    }
  });

  it('fails only the request whose description breaks the model call', async () => {
    const c = coalescer({ maxWaitMs: 1000 });
    recording.failWhenAsked = texts[3];
    const settled = await Promise.allSettled([
      c.predict(texts.slice(0, 2), { topK: 3, explain: false }),
      c.predict(texts.slice(2, 4), { topK: 3, explain: false }),
      c.predict(texts.slice(4, 6), { topK: 3, explain: false }),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error(`cannot classify "${texts[3]}"`));
    const first = settled[0] as PromiseFulfilledResult<Prediction[]>;
    expect(first.value).toEqual([await alone(texts[0] as string, 3), await alone(texts[1] as string, 3)]);
    // One coalesced call, then each request again on its own.
    expect(recording.calls.map((call) => call.length)).toEqual([6, 2, 2, 2]);
  });

  it('never sends more than a batch of descriptions in one call', async () => {
    const c = coalescer({ maxWaitMs: 1000, maxBatch: 5 });
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        c.predict(texts.slice(i * 2, i * 2 + 2), { topK: 1, explain: false }),
      ),
    );
    expect(recording.calls.map((call) => call.length)).toEqual([4, 4, 4]);
    // A request that fills a batch by itself, and an explanation, go straight to the model.
    await c.predict(texts.slice(0, 5), { topK: 1, explain: false });
    await c.predict(texts.slice(0, 1), { topK: 1, explain: true });
    expect(recording.calls.slice(3).map((call) => call.length)).toEqual([5, 1]);
    expect(batches.map((b) => b.descriptions)).toEqual([4, 4, 4]);
  });

  it('stops gathering once the oldest request has waited the bound, even while requests keep coming', async () => {
    // Two requests a turn, as a busy server reads several off its sockets in one turn, on a
    // clock that moves 1 ms a turn: what is sent when depends on the bound alone.
    const stream = async (maxWaitMs: number, turns: number) => {
      recording.calls.length = 0;
      let clock = 0;
      const c = new Coalescer(
        recording,
        { maxWaitMs },
        () => undefined,
        () => clock,
      );
      const pending: Array<Promise<Prediction[]>> = [];
      for (let turn = 0; turn < turns; turn++) {
        for (const j of [0, 1]) {
          pending.push(
            c.predict([texts[(2 * turn + j) % texts.length] as string], { topK: 1, explain: false }),
          );
        }
        clock += 1;
        await nextTurn();
      }
      await Promise.all(pending);
      return recording.calls.map((call) => call.length);
    };
    // No wait: each turn's requests are sent together, and alone.
    expect(await stream(0, 30)).toEqual(Array(30).fill(2));
    // 5 ms: five turns' worth per call, although the stream never pauses.
    expect(await stream(5, 30)).toEqual(Array(6).fill(10));
    // A wait longer than the stream: one call, once the stream stops.
    expect(await stream(1000, 30)).toEqual([60]);
  });

  it('sends a lone request after one quiet event-loop turn, not after the whole wait', async () => {
    const c = coalescer({ maxWaitMs: 1000 });
    const answer = c.predict([texts[0] as string], { topK: 2, explain: false });
    const late = new Promise((resolve) => setTimeout(() => resolve('late'), 900).unref());
    expect(await Promise.race([answer, late])).toEqual([await alone(texts[0] as string, 2)]);
  });

  it('answers everything queued when closed, then refuses new requests', async () => {
    const c = coalescer({ maxWaitMs: 1000 });
    const queued = [c.predict(texts.slice(0, 2), { topK: 1, explain: false })];
    queued.push(c.predict(texts.slice(2, 3), { topK: 1, explain: false }));
    await c.close();
    expect(recording.calls).toEqual([texts.slice(0, 3)]);
    expect((await Promise.all(queued)).flat()).toHaveLength(3);
    await expect(c.predict(texts.slice(0, 1), { topK: 1, explain: false })).rejects.toBeInstanceOf(
      CoalescerClosedError,
    );
  });

  it('refuses bounds outside what it can honour', () => {
    expect(coalescingBounds()).toEqual({ maxWaitMs: 1, maxBatch: 256 });
    expect(() => coalescingBounds({ maxWaitMs: -1 })).toThrow(/wait must be 0 to 1000 ms, got -1/);
    expect(() => coalescingBounds({ maxWaitMs: Number.NaN })).toThrow(/wait must be 0 to 1000 ms/);
    expect(() => coalescingBounds({ maxBatch: 0 })).toThrow(/whole number ≥ 1, got 0/);
    expect(() => coalescingBounds({ maxBatch: 2.5 })).toThrow(/whole number ≥ 1, got 2.5/);
  });
});
