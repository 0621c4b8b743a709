import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startConditionalFront } from './front';
import { S3RVER_CREDENTIALS, startS3Standin, type S3Standin } from './s3-standin';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let standin: S3Standin;
let s3: S3Client;
let bucket: string;
let keyCounter = 0;
const freshKey = () => `front-test/${++keyCounter}`;

beforeAll(async () => {
  standin = await startS3Standin();
  bucket = standin.bucket;
  s3 = new S3Client({
    endpoint: standin.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
  });
});
afterAll(async () => {
  s3.destroy();
  await standin.close();
});
afterEach(() => expect(standin.front.busyKeys).toBe(0));

const put = (
  Key: string,
  Body: string | Uint8Array,
  condition: { IfMatch?: string; IfNoneMatch?: string } = {},
) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body, ...condition }));
const read = async (Key: string) => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
  return { text: await out.Body!.transformToString(), etag: out.ETag };
};
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the write was expected to fail');
    },
    (err: { name: string; $metadata: { httpStatusCode: number } }) => ({
      name: err.name,
      status: err.$metadata.httpStatusCode,
    }),
  );

/** A raw request through the front, for what the SDK never sends. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string; continued: boolean }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const request = http.request(`${standin.endpoint}${path}`, { method, headers });
    request.on('continue', () => {
      continued = true;
      request.end(body);
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body: text, continued }));
    });
    request.on('error', reject);
    if (headers.expect) request.flushHeaders();
    else request.end(body);
  });
}

describe('S3 conditional front', () => {
  it('answers If-None-Match: * on an existing key with 412 PreconditionFailed in S3 XML, and keeps the object', async () => {
    const key = freshKey();
    await put(key, 'first', { IfNoneMatch: '*' });
    expect(await failureOf(put(key, 'second', { IfNoneMatch: '*' }))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    expect((await read(key)).text).toBe('first');

    const answer = await raw('PUT', `/${bucket}/${key}`, { 'if-none-match': '*' }, 'third');
    expect(answer.status).toBe(412);
    expect(answer.body).toMatch(
      /<Error><Code>PreconditionFailed<\/Code>.*<Condition>If-None-Match<\/Condition>/,
    );
  });

  it('updates with the current ETag, refuses a stale one with 412, and accepts quoted or bare ETags', async () => {
    const key = freshKey();
    const first = await put(key, 'one');
    const second = await put(key, 'two', { IfMatch: first.ETag! });
    expect(await failureOf(put(key, 'three', { IfMatch: first.ETag! }))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    await put(key, 'three', { IfMatch: second.ETag!.replace(/"/g, '') });
    expect((await read(key)).text).toBe('three');
  });

  it('answers If-Match on a missing key, and on a deleted one, with 404 NoSuchKey and creates nothing', async () => {
    const key = freshKey();
    expect(await failureOf(put(key, 'x', { IfMatch: '"0123456789abcdef0123456789abcdef"' }))).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
    const written = await put(key, 'y');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    expect(await failureOf(put(key, 'z', { IfMatch: written.ETag! }))).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
    expect(await failureOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).toMatchObject({
      status: 404,
    });
  });

  it('treats If-Match: * as "any existing object"', async () => {
    const key = freshKey();
    expect(await failureOf(put(key, 'x', { IfMatch: '*' }))).toEqual({ name: 'NoSuchKey', status: 404 });
    await put(key, 'one');
    await put(key, 'two', { IfMatch: '*' });
    expect((await read(key)).text).toBe('two');
  });

  it.each([2, 16])('lets exactly one of %i concurrent creators of one key win', async (writers) => {
    const key = freshKey();
    const results = await Promise.allSettled(
      Array.from({ length: writers }, (_, i) => put(key, `writer ${i}`, { IfNoneMatch: '*' })),
    );
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ name: 'PreconditionFailed' });
    expect((await read(key)).text).toBe(`writer ${winners[0]}`);
  });

  it('lets exactly one of 16 concurrent updaters holding the same ETag win', async () => {
    const key = freshKey();
    const base = await put(key, 'base');
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => put(key, `writer ${i}`, { IfMatch: base.ETag! })),
    );
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    expect((await read(key)).text).toBe(`writer ${winners[0]}`);
  });

  it('judges a condition against its own key only', async () => {
    const a = freshKey();
    const b = freshKey();
    const onA = await put(a, 'a');
    await put(b, 'b');
    // A's ETag says nothing about B, even when the contents match.
    expect(await failureOf(put(b, 'b2', { IfNoneMatch: '*' }))).toMatchObject({ status: 412 });
    await put(b, 'b3', { IfMatch: (await read(b)).etag! });
    await put(a, 'a2', { IfMatch: onA.ETag! });
    expect((await read(a)).text).toBe('a2');
    expect((await read(b)).text).toBe('b3');
  });

  it('holds a slow write to one key without holding writes to other keys', async () => {
    const slowKey = freshKey();
    const otherKey = freshKey();
    const slow = http.request(`${standin.endpoint}/${bucket}/${slowKey}`, {
      method: 'PUT',
      headers: { 'content-length': '6' },
    });
    const slowDone = new Promise<number>((resolve) =>
      slow.on('response', (r) => (r.resume(), resolve(r.statusCode!))),
    );
    slow.write('abc');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(standin.front.busyKeys).toBe(1);
    // Another key's conditional write completes while the slow one still holds its own key.
    await put(otherKey, 'other', { IfNoneMatch: '*' });
    // A conditional write to the slow key waits its turn, then sees what the slow write left.
    const queued = failureOf(put(slowKey, 'late', { IfNoneMatch: '*' }));
    slow.end('def');
    expect(await slowDone).toBe(200);
    expect(await queued).toMatchObject({ name: 'PreconditionFailed' });
    expect((await read(slowKey)).text).toBe('abcdef');
  });

  /** Starts a PUT of `declared` bytes, sends `sent` of them, then drops the connection. */
  const abandonUpload = async (key: string, headers: Record<string, string> = {}) => {
    const abandoned = http.request(`${standin.endpoint}/${bucket}/${key}`, {
      method: 'PUT',
      headers: { 'content-length': '100', ...headers },
    });
    abandoned.on('error', () => undefined);
    abandoned.write('partial');
    await new Promise((resolve) => setTimeout(resolve, 50));
    abandoned.destroy();
    // The front notices the drop on its side of the socket a moment later.
    for (let i = 0; i < 100 && standin.front.busyKeys > 0; i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('never leaves a truncated object when a client gives up half-way, and lets the next writer in', async () => {
    const created = freshKey();
    await abandonUpload(created, { 'if-none-match': '*' });
    expect(await failureOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: created })))).toMatchObject({
      status: 404,
    });
    await put(created, 'complete', { IfNoneMatch: '*' });
    expect((await read(created)).text).toBe('complete');

    // A replacement given up half-way removes the object (S3 would keep the previous one):
    // a conditional writer then fails loudly instead of matching a stale ETag over torn content.
    const replaced = freshKey();
    const previous = await put(replaced, 'previous');
    await abandonUpload(replaced);
    expect(await failureOf(put(replaced, 'next', { IfMatch: previous.ETag! }))).toMatchObject({
      status: 404,
    });
  });

  it('keeps the object when s3rver refuses a write before reading its body', async () => {
    const key = freshKey();
    await put(key, 'kept');
    const refused = http.request(`${standin.endpoint}/${bucket}/${key}`, {
      method: 'PUT',
      headers: {
        'content-length': '100',
        authorization:
          'AWS4-HMAC-SHA256 Credential=NOBODY/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
        'x-amz-date': '20260101T000000Z',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    });
    refused.on('error', () => undefined);
    const status = new Promise<number>((resolve) =>
      refused.on('response', (r) => (r.resume(), resolve(r.statusCode!))),
    );
    refused.write('not all of it');
    expect(await status).toBe(403);
    refused.destroy();
    for (let i = 0; i < 100 && standin.front.busyKeys > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await read(key)).text).toBe('kept');
  });

  it('makes a read of a key being written wait for the whole new object, never a torn one', async () => {
    const key = freshKey();
    await put(key, 'old-old');
    const slow = http.request(`${standin.endpoint}/${bucket}/${key}`, {
      method: 'PUT',
      headers: { 'content-length': '7' },
    });
    const slowDone = new Promise<void>((resolve) =>
      slow.on('response', (r) => r.resume().on('end', resolve)),
    );
    slow.write('new');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reading = read(key);
    await new Promise((resolve) => setTimeout(resolve, 50));
    slow.end('-new');
    await slowDone;
    expect((await reading).text).toBe('new-new');
  });

  it('lets a write through while a reader of the same key holds its stream open without reading', async () => {
    const key = freshKey();
    // Far more than loopback socket buffers hold: streamed under the lock, the reader's stall
    // would hold the write below until the test timed out.
    const size = 48 * 1024 * 1024;
    await put(key, new Uint8Array(size).fill(97));
    const stalled = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.get(`${standin.endpoint}/${bucket}/${key}`, resolve);
      request.on('error', reject);
    });
    stalled.pause();
    await put(key, 'new');
    expect((await read(key)).text).toBe('new');
    // The stalled reader still gets the old object, whole.
    let received = 0;
    let mixed = false;
    stalled.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (chunk.includes(110)) mixed = true; // 'n' of "new"
    });
    stalled.resume();
    await new Promise((resolve) => stalled.on('end', resolve));
    expect({ received, mixed }).toEqual({ received: size, mixed: false });
  }, 60_000);

  it('answers a failing condition before the body when the client waits for 100-continue', async () => {
    const key = freshKey();
    await put(key, 'exists');
    const refused = await raw(
      'PUT',
      `/${bucket}/${key}`,
      { 'if-none-match': '*', expect: '100-continue', 'content-length': '4' },
      'body',
    );
    expect(refused).toMatchObject({ status: 412, continued: false });
    const accepted = await raw(
      'PUT',
      `/${bucket}/${freshKey()}`,
      { 'if-none-match': '*', expect: '100-continue', 'content-length': '4' },
      'body',
    );
    expect(accepted).toMatchObject({ status: 200, continued: true });
  });

  it('refuses the conditions it does not emulate with 501 instead of ignoring them', async () => {
    const key = freshKey();
    await put(key, 'x');
    expect((await raw('PUT', `/${bucket}/${key}`, { 'if-none-match': '"abc"' }, 'y')).status).toBe(501);
    expect((await raw('DELETE', `/${bucket}/${key}`, { 'if-match': '*' })).status).toBe(501);
    expect((await read(key)).text).toBe('x');
  });

  it('applies If-None-Match to CompleteMultipartUpload, the path the SDK takes for large uploads', async () => {
    const complete = async (Key: string) => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      const part = await s3.send(
        new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 7) }),
      );
      return s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key,
          UploadId,
          IfNoneMatch: '*',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
        }),
      );
    };
    const key = freshKey();
    await complete(key);
    expect((await read(key)).text).toBe(Buffer.alloc(1024, 7).toString());
    expect(await failureOf(complete(key))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  });

  it('forwards reads and ranges untouched', async () => {
    const key = freshKey();
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: '0123456789',
        Metadata: { origin: 'front-test' },
      }),
    );
    const ranged = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=2-5' }));
    expect(await ranged.Body!.transformToString()).toBe('2345');
    expect(ranged.Metadata).toEqual({ origin: 'front-test' });
  });
});

describe('S3 conditional front, streaming', () => {
  it('passes a body on as it arrives instead of holding it until the end', async () => {
    // An upstream that reports each chunk: s3rver cannot say when its first bytes arrived.
    const chunks: string[] = [];
    let firstChunk!: () => void;
    const firstArrived = new Promise<void>((resolve) => (firstChunk = resolve));
    const upstream = http.createServer((req, res) => {
      req.on('data', (chunk: Buffer) => {
        chunks.push(chunk.toString());
        firstChunk();
      });
      req.on('end', () => res.end());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const front = await startConditionalFront({
      upstream: { host: '127.0.0.1', port: (upstream.address() as AddressInfo).port },
    });
    try {
      const request = http.request(`${front.url}/bucket/streamed`, {
        method: 'PUT',
        headers: { 'content-length': '10' },
      });
      const answered = new Promise<number>((resolve) =>
        request.on('response', (r) => (r.resume(), resolve(r.statusCode!))),
      );
      request.write('first');
      await firstArrived;
      expect(chunks.join('')).toBe('first');
      request.end('-last');
      expect(await answered).toBe(200);
      expect(chunks.join('')).toBe('first-last');
    } finally {
      await front.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it('reads again when the upstream sends fewer bytes than the object has, as s3rver does before its file is on disk', async () => {
    // s3rver answers a PUT before its file is written, then serves the declared length from a
    // file that is still short: the first two reads here come back empty.
    let reads = 0;
    const upstream = http.createServer((req, res) => {
      reads++;
      res.setHeader('content-length', '3');
      res.flushHeaders();
      if (reads <= 2) res.socket?.end();
      else res.end('new');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const front = await startConditionalFront({
      upstream: { host: '127.0.0.1', port: (upstream.address() as AddressInfo).port },
    });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        http
          .get(`${front.url}/bucket/settling`, (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      expect({ body, reads }).toEqual({ body: 'new', reads: 3 });
    } finally {
      await front.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it('reads again when the upstream sends an empty file of length 0 for an object whose ETag says otherwise', async () => {
    // The other face of the same race: s3rver's file exists but is still empty, so the length
    // it declares is 0 and only the ETag (the MD5 it recorded while the PUT passed through) tells.
    const etag = `"${createHash('md5').update('new').digest('hex')}"`;
    let reads = 0;
    const upstream = http.createServer((req, res) => {
      reads++;
      res.setHeader('etag', etag);
      res.end(reads <= 2 ? '' : 'new');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const front = await startConditionalFront({
      upstream: { host: '127.0.0.1', port: (upstream.address() as AddressInfo).port },
    });
    const get = (path: string) =>
      new Promise<string>((resolve, reject) => {
        http
          .get(`${front.url}${path}`, (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
    try {
      expect({ body: await get('/bucket/settling'), reads }).toEqual({ body: 'new', reads: 3 });
    } finally {
      await front.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
