import { Agent, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { releaseSharedSessions } from '../runtime/core/session-cache';
import { seededRandom } from '../training/rng';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * Ten thousand generated bad requests over real loopback HTTP: every answer must be a 2xx or a
 * 4xx, the server must still be healthy afterwards, and its heap must not grow with the traffic.
 * Each request is generated from (seed, index) alone, so `HTTP_FUZZ_SEED=<seed>` reproduces a
 * failure exactly, whatever order the concurrent connections sent them in.
 */

const SEED = Number(process.env.HTTP_FUZZ_SEED ?? 20240611);
const REQUESTS = 10_000;
const WARM_UP = 500;
const CONNECTIONS = 8;
const LIMIT_BYTES = 1024 * 1024;
const DEEP = 10_000;
// Generous: the server keeps recent predictions, metrics and the audit buffer; a leak or a buffered
// body per request would exceed it many times over.
const MAX_HEAP_GROWTH_BYTES = 48 * 1024 * 1024;

type Random = () => number;

interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Statuses this kind must produce, when it is certain. */
  expected?: number[];
}

const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const JSON_TYPE = { 'content-type': 'application/json' };
const UUID = '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c';

const ALPHABET =
  'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:-_/"\'\\{}[]()<>!?%&*+=é漢😀\u200f\u0301';
const SYMBOLS = Array.from(ALPHABET);
function randomText(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += pick(random, SYMBOLS);
  return text;
}

function randomValue(random: Random, depth = 0): unknown {
  const choice = int(random, 0, depth > 3 ? 6 : 8);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [0, -1, 1.5, 21, 1e308, -1e-308, 2 ** 53 + 1, 5]);
    case 3:
      return randomText(random, int(random, 0, 40));
    case 4:
      return '';
    case 5:
      return pick(random, [' ', '\t\n', '\u00a0', '\u3000']);
    case 6:
      return int(random, -5, 30);
    case 7:
      return Array.from({ length: int(random, 0, 4) }, () => randomValue(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: int(random, 0, 3) }, () => [
          randomText(random, int(random, 0, 8)),
          randomValue(random, depth + 1),
        ]),
      );
  }
}

const validPredict = (random: Random) => ({
  descriptions: Array.from(
    { length: int(random, 1, 4) },
    () => randomText(random, int(random, 3, 60)).trim() || 'fish',
  ),
  topK: int(random, 1, 20),
  explain: random() < 0.2,
  ...(random() < 0.3 ? { key: randomText(random, int(random, 1, 30)) } : {}),
});

const validFeedback = () => ({ predictionId: UUID, hs6: '0301.11' });

const post = (
  kind: string,
  path: string,
  body: Buffer | string | unknown,
  expected?: number[],
): FuzzRequest => ({
  kind,
  method: 'POST',
  path,
  headers: JSON_TYPE,
  body: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  ...(expected ? { expected } : {}),
});

const nested = (open: string, close: string, inner: string) =>
  `${open.repeat(DEEP)}${inner}${close.repeat(DEEP)}`;

const GENERATORS: Array<[weight: number, generate: (random: Random) => FuzzRequest]> = [
  [
    14,
    function wrongType(random) {
      const body: Record<string, unknown> = validPredict(random);
      const field = pick(random, ['descriptions', 'topK', 'explain', 'key', 'descriptions[i]']);
      if (field === 'descriptions[i]') {
        const list = body.descriptions as unknown[];
        list[int(random, 0, list.length - 1)] = randomValue(random);
      } else body[field] = randomValue(random);
      return post('wrong type', '/v1/predict', body);
    },
  ],
  [
    6,
    function nulls(random) {
      const body = pick(random, [
        null,
        { descriptions: null },
        { descriptions: [null] },
        { descriptions: ['fish'], topK: null },
        { descriptions: ['fish'], key: null },
        { predictionId: null, hs6: null },
      ]);
      const path = body && 'predictionId' in body ? '/v1/feedback' : '/v1/predict';
      return post('null', path, JSON.stringify(body), [400]);
    },
  ],
  [
    8,
    function hugeString(random) {
      const length = pick(random, [1001, 5000, 100_000, 600_000]);
      const where = pick(random, ['description', 'key', 'note', 'property']);
      const huge = 'x'.repeat(length);
      if (where === 'note') {
        // The note's limit is 2,000 characters.
        return post(
          'huge string',
          '/v1/feedback',
          { ...validFeedback(), note: huge.padEnd(2001, 'x') },
          [400],
        );
      }
      const body =
        where === 'description'
          ? { descriptions: ['fish', huge] }
          : where === 'key'
            ? { descriptions: ['fish'], key: huge }
            : { descriptions: ['fish'], [huge]: 1 };
      return post('huge string', '/v1/predict', body, [400]);
    },
  ],
  [
    6,
    function deeplyNested(random) {
      const body = pick(random, [
        nested('[', ']', ''),
        `{"descriptions":${nested('[', ']', '"fish"')}}`,
        `{"descriptions":["fish"],"extra":${nested('{"a":', '}', '1')}}`,
        `{"descriptions":["fish"],"topK":${nested('[', ']', '1')}}`,
        `{"predictionId":"${UUID}","hs6":"0301.11","note":${nested('{"n":', '}', 'null')}}`,
        nested('{"a":', '}', '1'),
      ]);
      return post(
        '10k levels deep',
        body.includes('predictionId') ? '/v1/feedback' : '/v1/predict',
        body,
        [400],
      );
    },
  ],
  [
    12,
    function invalidJson(random) {
      const text = JSON.stringify(validPredict(random));
      const broken = pick(random, [
        () => text.slice(0, int(random, 0, text.length - 1)),
        () => `${text}${pick(random, ['x', '}', ',', '{}', ' 1'])}`,
        () => text.replace(/"/g, "'"),
        () => text.replace(/}$/, ',}'),
        () => text.replace(/"topK":\d+/, '"topK":NaN'),
        () => `// comment\n${text}`,
        () => `{descriptions:["fish"]}`,
        () => '\u0000',
        () => pick(random, ['undefined', 'tru', '[', '{', '"', '-', '1e', '0x10']),
      ])();
      return post('invalid JSON', '/v1/predict', broken, [400]);
    },
  ],
  [
    8,
    function invalidUtf8(random) {
      const text = Buffer.from(JSON.stringify(validPredict(random)));
      const at = text.indexOf('"', text.indexOf('[')) + 1;
      const bad = pick(random, [
        [0xff],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xe2, 0x82],
        [0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
      ]);
      const body = Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]);
      return post('invalid UTF-8', random() < 0.8 ? '/v1/predict' : '/v1/feedback', body, [400]);
    },
  ],
  [
    8,
    function controlCharacters(random) {
      const code = int(random, 0, 31);
      if (random() < 0.5) {
        // Raw in a string: not JSON.
        const raw = `{"descriptions":["fi${String.fromCharCode(code)}sh"]}`;
        return post('raw control character', '/v1/predict', raw, [400]);
      }
      const escaped = String.fromCharCode(code).repeat(int(random, 1, 5));
      const body = pick(random, [
        { descriptions: [escaped] },
        { descriptions: [`fish${escaped}`], key: escaped },
        { ...validFeedback(), note: escaped },
        { descriptions: ['fish'], [escaped]: true },
      ]);
      return post('escaped control character', 'predictionId' in body ? '/v1/feedback' : '/v1/predict', body);
    },
  ],
  [
    10,
    function wrongContentType(random) {
      const type = pick(random, [
        undefined,
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'application/json; charset=iso-8859-1',
        'application/json, text/plain',
        'application/jsonx',
        'json',
        '',
        randomText(random, 20).replace(/[^\x20-\x7e]/g, 'a'),
      ]);
      const body = Buffer.from(JSON.stringify(validPredict(random)));
      const path = random() < 0.8 ? '/v1/predict' : '/v1/feedback';
      return {
        kind: 'content type',
        method: 'POST',
        path,
        headers: type === undefined ? ({} as Record<string, string>) : { 'content-type': type },
        body,
        expected: [415],
      };
    },
  ],
  [
    12,
    function unknownRouteOrMethod(random) {
      const method = pick(random, [
        'GET',
        'POST',
        'PUT',
        'DELETE',
        'PATCH',
        'OPTIONS',
        'HEAD',
        'TRACE',
        'PROPFIND',
        'FOO',
        'get',
      ]);
      const path = pick(random, [
        '/v1/predict',
        '/v1/feedback',
        '/healthz',
        '/v1/models',
        '/metrics',
        '/openapi.json',
        '/v1/predict/',
        '/v2/predict',
        '/../package.json',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/..%2f..%2fpackage.json',
        '/%00',
        '/.git/config',
        `/${encodeURIComponent(randomText(random, int(random, 1, 30)))}`,
        `/v1/${'a/'.repeat(int(random, 1, 500))}`,
        `/healthz?${'q=1&'.repeat(int(random, 1, 200))}`,
        '/index.html/..',
        '/app.js%00.html',
      ]);
      const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.from('{}');
      return { kind: 'route or method', method, path, headers: JSON_TYPE, ...(body ? { body } : {}) };
    },
  ],
  [
    6,
    function oversizedArray(random) {
      const length = pick(random, [257, 1000, 20_000]);
      return post(
        'oversized array',
        '/v1/predict',
        { descriptions: Array(length).fill('cotton shirt') },
        [400],
      );
    },
  ],
  [
    9,
    function badFeedback(random) {
      const body = pick(random, [
        { predictionId: randomText(random, 36), hs6: '0301.11' },
        { predictionId: UUID, hs6: randomText(random, int(random, 0, 12)) },
        { predictionId: UUID },
        { predictionId: UUID, hs6: '610910', code: '610910' },
        { predictionId: UUID, hs6: '9999.99' },
        { predictionId: UUID, code: 610910 },
        { predictionId: UUID, hs6: '0301.11', note: randomValue(random) },
        { predictionId: UUID, hs6: '0301.11', extra: randomValue(random) },
        { hs6: '0301.11' },
      ]);
      return post('bad feedback', '/v1/feedback', body);
    },
  ],
  [
    1,
    function tooLarge(random) {
      const size = LIMIT_BYTES + int(random, 1, 256 * 1024);
      const body = Buffer.alloc(size, 0x20);
      body.write('{"descriptions":["');
      body.write('"]}', size - 3);
      return post('too large', '/v1/predict', body, [413]);
    },
  ],
];

const TOTAL_WEIGHT = GENERATORS.reduce((sum, [weight]) => sum + weight, 0);

/** Request `index` of the run: the same for the same seed, whatever else happens. */
function generate(index: number): FuzzRequest {
  const random = seededRandom((SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  let roll = random() * TOTAL_WEIGHT;
  for (const [weight, make] of GENERATORS) {
    roll -= weight;
    if (roll < 0) return make(random);
  }
  return (GENERATORS[0] as (typeof GENERATORS)[number])[1](random);
}

interface Outcome {
  status?: number;
  error?: string;
}

/** `credential`: sent with every request, so feedback bodies get past the key check to be judged. */
function send(
  agent: Agent,
  url: URL,
  fuzz: FuzzRequest,
  credential: Record<string, string>,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: fuzz.method,
        path: fuzz.path,
        headers: { ...credential, ...fuzz.headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode }));
        res.on('error', (err) => resolve({ status: res.statusCode, error: err.message }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(fuzz.body);
  });
}

/** A real collection when the runtime allows it, so heap numbers measure what is retained. */
function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function heapUsed(gc: (() => void) | undefined): number {
  if (gc) for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('HTTP fuzzing', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Validation is under test here, not the feedback rate limit (tests/abuse.test.ts has that).
    server = await startTestServer({ limits: { feedbackRate: { perSecond: 1e6, burst: 1e6 } } });
  });
  afterAll(async () => {
    await server.close();
    await releaseSharedSessions();
  });

  it(`answers ${REQUESTS} bad requests with 2xx or 4xx, stays healthy, and keeps its heap (seed ${SEED})`, async () => {
    const url = new URL(server.url);
    const credential = { authorization: `Bearer ${server.analystKey}` };
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const failures: Array<Record<string, unknown>> = [];
    const statuses = new Map<string, number>();
    const gc = collector();
    let next = 0;

    const worker = async (stopAt: number) => {
      for (let index = next++; index < stopAt; index = next++) {
        const fuzz = generate(index);
        const outcome = await send(agent, url, fuzz, credential);
        const status = outcome.status ?? 0;
        const tally = `${fuzz.kind} → ${status || outcome.error}`;
        statuses.set(tally, (statuses.get(tally) ?? 0) + 1);
        const allowed = (status >= 200 && status < 300) || (status >= 400 && status < 500);
        if (!allowed || outcome.error || (fuzz.expected && !fuzz.expected.includes(status))) {
          failures.push({
            seed: SEED,
            index,
            kind: fuzz.kind,
            method: fuzz.method,
            path: fuzz.path.slice(0, 80),
            contentType: fuzz.headers['content-type'],
            body: fuzz.body?.subarray(0, 80).toString('latin1'),
            bytes: fuzz.body?.byteLength,
            ...outcome,
          });
        }
      }
    };
    const run = (stopAt: number) => Promise.all(Array.from({ length: CONNECTIONS }, () => worker(stopAt)));

    await run(WARM_UP);
    const before = heapUsed(gc);
    await run(REQUESTS);
    await server.service.drain();
    const growth = heapUsed(gc) - before;
    agent.destroy();

    process.stdout.write(
      `http fuzz, seed ${SEED}: ${REQUESTS} requests, heap ${gc ? 'after gc' : 'without gc'} grew ${(growth / 2 ** 20).toFixed(1)} MiB\n` +
        [...statuses]
          .sort()
          .map(([tally, n]) => `  ${tally}: ${n}`)
          .join('\n') +
        '\n',
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(next).toBeGreaterThanOrEqual(REQUESTS);
    expect(server.logs.filter((line) => /failed|threw/.test(line))).toEqual([]);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect(growth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    // A fixed amount of work, not a speed: on a machine others share it may take a few minutes.
  }, 600_000);
});
