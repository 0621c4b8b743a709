import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  batchService,
  bytes,
  csvObjects,
  memoryOutputs,
  type BatchService,
} from '../../tests/helpers/batch-fixture';
import type { PredictRequest } from '../core/predict-request';
import { releaseSharedSessions } from '../core/session-cache';
import { runBatch, type BatchOptions, type BatchPredictor } from './run-batch';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TEXTS = [
  'live ornamental fish',
  'frozen fish fillets',
  "men's cotton knitted t-shirt",
  'steel hex bolts',
];
const csvOf = (count: number) =>
  `description,sku,notes\n${Array.from({ length: count }, (_, i) => `${TEXTS[i % 4]} ${i},SKU-${i},n${i}`).join('\n')}\n`;

describe('runBatch', () => {
  let fixture: BatchService;
  /** The real service, counting the size of every request it gets. */
  const counting = (calls: number[]): BatchPredictor => ({
    predict: (request: PredictRequest) => {
      calls.push(request.descriptions.length);
      return fixture.service.predict(request);
    },
    drain: () => fixture.service.drain(),
    limits: fixture.service.limits,
  });

  /** Runs a batch of `text` into memory with the real service. */
  const batchOf = async (text: string, name: string, extra: Partial<BatchOptions> = {}) => {
    const memory = memoryOutputs();
    const summary = await runBatch({
      input: bytes(text),
      name,
      outputs: memory.outputs,
      service: fixture.service,
      ...extra,
    });
    return { summary, memory };
  };

  beforeAll(async () => {
    fixture = await batchService();
  });
  afterAll(async () => {
    await fixture.service.close();
    await releaseSharedSessions();
  });

  it('predicts every row in chunks of the request limit, in order, audited like online predictions', async () => {
    const calls: number[] = [];
    const memory = memoryOutputs();
    const summary = await runBatch({
      input: bytes(csvOf(600)),
      name: 'in.csv',
      outputs: memory.outputs,
      service: counting(calls),
    });
    expect(calls).toEqual([256, 256, 88]);
    const rows = csvObjects(await memory.text('predictions'));
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'line',
      'id',
      'description',
      'hs6_1',
      'probability_1',
      'hs6_2',
      'probability_2',
      'hs6_3',
      'probability_3',
      'needs_review',
      'model_variant',
      'model_version',
      'prediction_id',
    ]);
    expect(rows).toHaveLength(600);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 600 }, (_, i) => String(i + 2)));
    expect(rows[599]).toMatchObject({
      id: 'SKU-599',
      description: 'steel hex bolts 599',
      model_version: fixture.model.ref.version,
    });
    for (const row of rows.slice(0, 5)) {
      expect(row.hs6_1).toMatch(/^\d{6}$/);
      expect(Number(row.probability_1)).toBeGreaterThanOrEqual(Number(row.probability_2));
    }
    const audited = new Map((await fixture.audit()).map((r) => [r.predictionId, r]));
    for (const row of rows)
      expect(audited.get(row.prediction_id as string)?.inputSha256).toBe(sha256(row.description as string));
    expect(memory.opened.has('rejects')).toBe(false);
    expect(summary).toMatchObject({
      input: 'in.csv',
      format: 'csv',
      columns: { description: 'description', id: 'sku' },
      topK: 3,
      rows: { read: 600, predicted: 600, rejected: 0 },
      rejectedByReason: {},
      models: [{ variant: fixture.model.ref.variant, version: fixture.model.ref.version, rows: 600 }],
    });
    expect(summary.topChapters.reduce((n, c) => n + c.rows, 0)).toBeLessThanOrEqual(600);
    expect(summary.topChapters[0]?.description).toBeTruthy();
    expect(summary.rows.needsReview).toBe(rows.filter((r) => r.needs_review === 'true').length);
  });

  it('lists every row it cannot predict in the rejects file with its line, and predicts the rest', async () => {
    const input = [
      'text;ref',
      'cotton t-shirt;a',
      ';blank',
      '   ;spaces',
      `${'x'.repeat(1001)};long`,
      'too;many;fields',
      '',
      '"multi',
      'line";b',
      'frozen fish;c',
      '"never closed;d',
    ].join('\n');
    const { summary, memory: memory } = await batchOf(input, 'x.csv');
    const predicted = csvObjects(await memory.text('predictions'));
    expect(predicted.map((r) => [r.line, r.id, r.description])).toEqual([
      ['2', 'a', 'cotton t-shirt'],
      ['8', 'b', 'multi\nline'],
      ['10', 'c', 'frozen fish'],
    ]);
    const rejects = csvObjects(await memory.text('rejects'));
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      ['3', 'blank-description'],
      ['4', 'blank-description'],
      ['5', 'too-long'],
      ['6', 'wrong-column-count'],
      ['11', 'malformed-record'],
    ]);
    expect(rejects[3]?.raw).toBe('too;many;fields');
    expect(summary.rows).toMatchObject({ read: 8, predicted: 3, rejected: 5 });
    expect(summary.rejectedByReason).toEqual({
      'blank-description': 2,
      'too-long': 1,
      'wrong-column-count': 1,
      'malformed-record': 1,
    });
  });

  it('reads JSONL with "description" or "text" per line, and rejects lines that are not objects', async () => {
    const lines = [
      '\uFEFF{"description": "live ornamental fish", "id": 7}',
      '{"text": "frozen fish fillets"}',
      '',
      '{"description": "steel bolts", "id": "b"',
      '["an", "array"]',
      '{"title": "no description here"}',
      '{"description": "   "}',
    ];
    const { summary, memory: memory } = await batchOf(lines.join('\n'), 'in.jsonl');
    expect(csvObjects(await memory.text('predictions')).map((r) => [r.line, r.id, r.description])).toEqual([
      ['1', '7', 'live ornamental fish'],
      ['2', '', 'frozen fish fillets'],
    ]);
    expect(csvObjects(await memory.text('rejects')).map((r) => [r.line, r.reason])).toEqual([
      ['4', 'malformed-json'],
      ['5', 'not-an-object'],
      ['6', 'no-description'],
      ['7', 'blank-description'],
    ]);
    expect(summary).toMatchObject({ format: 'jsonl', columns: { description: 'description', id: 'id' } });
  });

  it('reads a file of one unnamed column as descriptions from its first line, and TSV by its tabs', async () => {
    const { memory: single } = await batchOf('cotton t-shirt\n"bolts, steel"\n', 'list.csv');
    expect(csvObjects(await single.text('predictions')).map((r) => [r.line, r.description])).toEqual([
      ['1', 'cotton t-shirt'],
      ['2', 'bolts, steel'],
    ]);
    expect(Object.keys(csvObjects(await single.text('predictions'))[0] ?? {})).not.toContain('id');

    const { summary, memory: tsv } = await batchOf(
      'id\tProduct Description\n1\tfrozen fish, filleted\n',
      'x',
    );
    expect(summary).toMatchObject({
      format: 'tsv',
      columns: { description: 'Product Description', id: 'id' },
    });
    expect(csvObjects(await tsv.text('predictions'))[0]).toMatchObject({
      id: '1',
      description: 'frozen fish, filleted',
    });
  });

  it('writes RFC 4180 CSV that a spreadsheet cannot run as formulas', async () => {
    const memory = memoryOutputs();
    const input =
      'description,id\n"=HYPERLINK(""http://x"",""y"")",+1\n@SUM(A1) bolts,-2\n"tab\tstart, ""quoted""",ok\n';
    await runBatch({ input: bytes(input), name: 'x.csv', outputs: memory.outputs, service: fixture.service });
    const text = await memory.text('predictions');
    expect(text.split('\r\n')[1]).toMatch(/^2,'\+1,"'=HYPERLINK\(""http:\/\/x"",""y""\)",/);
    expect(csvObjects(text).map((r) => [r.id, r.description])).toEqual([
      ["'+1", `'=HYPERLINK("http://x","y")`],
      ["'-2", "'@SUM(A1) bolts"],
      ['ok', 'tab\tstart, "quoted"'],
    ]);
  });

  it('gives as many candidates as asked, and refuses options the service would refuse', async () => {
    const { memory: memory } = await batchOf('description\ntea\n', 'x.csv', { topK: 5 });
    expect(Object.keys(csvObjects(await memory.text('predictions'))[0] ?? {})).toContain('probability_5');
    for (const bad of [{ topK: 0 }, { topK: 21 }, { chunkSize: 257 }, { chunkSize: 0 }]) {
      await expect(
        runBatch({
          input: bytes('description\ntea\n'),
          name: 'x.csv',
          outputs: memoryOutputs().outputs,
          service: fixture.service,
          ...bad,
        }),
      ).rejects.toThrow(RangeError);
    }
  });

  it.each([
    ['empty', 'x.csv', Buffer.alloc(0), /empty/],
    ['not-text', 'book.csv', Buffer.from('PK\u0003\u0004\u0000\u0000binary'), /not text/],
    ['not-text', 'u16.csv', Buffer.from('\ufeffdescription\n', 'utf16le'), /UTF-16/],
    ['unknown-format', 'list.txt', Buffer.from('cotton t-shirt\nfrozen fish\n'), /unknown format.*rename/],
    ['unknown-format', 'x.json', Buffer.from('[{"description": "tea"}]'), /JSON array/],
    ['unknown-format', 'x.csv', Buffer.from('{"description": "tea"}\n'), /rename it to \.jsonl/],
    [
      'no-description-column',
      'x.csv',
      Buffer.from('sku,price\n1,2\n'),
      /no description column.*"sku", "price"/,
    ],
  ])(
    'reports an input it cannot read (%s: %s) in the summary, with no outputs',
    async (problem, name, body, message) => {
      const memory = memoryOutputs();
      const summary = await runBatch({
        input: Readable.from([body]),
        name,
        outputs: memory.outputs,
        service: fixture.service,
      });
      expect(summary.error?.problem).toBe(problem);
      expect(summary.error?.message).toMatch(message);
      expect(summary.rows.predicted).toBe(0);
      expect(memory.opened.size).toBe(0);
    },
  );

  it('stops reading the input while nobody reads its output', async () => {
    let pulled = 0;
    const text = csvOf(20_000);
    async function* input() {
      for (let at = 0; at < text.length; at += 4096) {
        const chunk = Buffer.from(text.slice(at, at + 4096));
        pulled += chunk.length;
        yield chunk;
      }
    }
    const predictions = new PassThrough();
    const running = runBatch({
      input: input(),
      name: 'x.csv',
      outputs: { predictions: () => predictions, rejects: () => new PassThrough() },
      service: fixture.service,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stalledAt = pulled;
    expect(stalledAt).toBeLessThan(text.length / 4);
    let lines = 0;
    predictions.on('data', (chunk: Buffer) => (lines += chunk.toString().split('\r\n').length - 1));
    const summary = await running;
    expect(summary.rows.predicted).toBe(20_000);
    expect(lines).toBe(20_001);
    expect(pulled).toBe(text.length);
  });

  it('destroys its outputs with the error when the service fails half way', async () => {
    let calls = 0;
    const failing: BatchPredictor = {
      predict: (request) =>
        ++calls === 2 ? Promise.reject(new Error('model gone')) : fixture.service.predict(request),
    };
    const predictions = new PassThrough();
    predictions.resume();
    predictions.on('error', () => undefined);
    const outcome = runBatch({
      input: bytes(csvOf(600)),
      name: 'x.csv',
      outputs: { predictions: () => predictions, rejects: () => new PassThrough() },
      service: failing,
    });
    await expect(outcome).rejects.toThrow('model gone');
    expect(predictions.destroyed).toBe(true);
    expect(predictions.errored?.message).toBe('model gone');
  });
});
