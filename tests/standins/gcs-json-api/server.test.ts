import { Storage } from '@google-cloud/storage';
import http from 'node:http';
import type { Socket } from 'node:net';
import { crc32c, crc32cBase64 } from './crc32c';
import { parseMultipartRelated } from './multipart-related';
import { startGcsStandin, type GcsStandin } from './server';

let standin: GcsStandin;
let storage: Storage;
const bucket = () => storage.bucket('hscode-test');

beforeAll(async () => {
  standin = await startGcsStandin({ buckets: ['hscode-test'], maxUploadBytes: 1024 * 1024 });
  storage = new Storage({ apiEndpoint: standin.apiEndpoint, retryOptions: { autoRetry: false } });
});
afterAll(() => standin.close());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'succeeded',
    // The resumable-upload path reports the HTTP status as `status`, the rest as `code`.
    (err: { code?: number; status?: number }) => err.code ?? err.status,
  );

describe('Cloud Storage JSON API stand-in', () => {
  it('computes CRC-32C as Cloud Storage does', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cBase64(Buffer.alloc(0))).toBe('AAAAAA==');
  });

  it('gives every write a new, larger generation and serves it with the body', async () => {
    const file = bucket().file('generations');
    await file.save('one', { resumable: false });
    const first = BigInt(file.metadata.generation!);
    await file.save('two', { resumable: false });
    const second = BigInt(file.metadata.generation!);
    expect(second).toBeGreaterThan(first);
    const [body] = await file.download({ validation: 'crc32c' });
    expect(body.toString()).toBe('two');
  });

  it('honours ifGenerationMatch on upload, download, metadata and delete, with 0 meaning "no live object"', async () => {
    const file = bucket().file('preconditions');
    await file.save('v1', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    const live = Number(file.metadata.generation);
    const again = file.save('v2', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    expect(await codeOf(again)).toBe(412);
    expect(
      await codeOf(file.save('v2', { resumable: false, preconditionOpts: { ifGenerationMatch: live + 1 } })),
    ).toBe(412);
    expect(
      await codeOf(
        bucket()
          .file('preconditions', { generation: live + 1 })
          .download(),
      ),
    ).toBe(404);
    expect(await codeOf(file.getMetadata({ ifGenerationMatch: live + 1 }))).toBe(412);
    expect(await codeOf(file.delete({ ifGenerationMatch: live + 1 }))).toBe(412);
    expect((await file.download())[0].toString()).toBe('v1');
    await file.delete({ ifGenerationMatch: live });
    expect(await codeOf(file.download())).toBe(404);
  });

  it('lets exactly one of 12 concurrent creators of a name win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        bucket()
          .file('race')
          .save(`writer ${i}`, { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected' && (r.reason as { code?: number }).code === 412),
    ).toHaveLength(11);
  });

  it('rejects an upload whose checksum does not match, and stores nothing', async () => {
    const file = bucket().file('checksummed');
    const wrong = file.save('data', {
      resumable: false,
      validation: false,
      metadata: { md5Hash: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    });
    expect(await codeOf(wrong)).toBe(400);
    expect(await codeOf(file.download())).toBe(404);
  });

  it('pages a listing in name order with page tokens', async () => {
    await Promise.all(
      ['list/b', 'list/a', 'list/c', 'list/é', 'other/x'].map((name) =>
        bucket().file(name).save(name, { resumable: false }),
      ),
    );
    const [page, next] = await bucket().getFiles({ prefix: 'list/', maxResults: 2, autoPaginate: false });
    expect(page.map((f) => f.name)).toEqual(['list/a', 'list/b']);
    const [rest, last] = await bucket().getFiles({ ...next!, autoPaginate: false });
    expect(rest.map((f) => f.name)).toEqual(['list/c', 'list/é']);
    expect(last).toBeNull();
  });

  it('answers what it does not cover with 501 rather than approximating it', async () => {
    const file = bucket().file('uncovered');
    expect(await codeOf(file.save('x', { resumable: true }))).toBe(501);
    await file.save('x', { resumable: false });
    expect(await codeOf(file.getMetadata({ ifMetagenerationMatch: 1 }))).toBe(501);
    expect(await codeOf(bucket().getFiles({ delimiter: '/' }))).toBe(501);
  });

  it('refuses uploads larger than it holds, and a bucket it does not have', async () => {
    const large = bucket()
      .file('large')
      .save(Buffer.alloc(1024 * 1024 + 1), { resumable: false });
    expect(await codeOf(large)).toBe(413);
    expect(await codeOf(storage.bucket('other').file('x').download())).toBe(404);
  });
});

describe('Cloud Storage JSON API stand-in connections', () => {
  it('keeps an idle keep-alive connection open past the 5 s at which clients drop theirs', async () => {
    // Node's agents drop an idle socket after 5 s, its servers close one after 5 s: a client
    // reusing a socket just as the server closes it gets ECONNRESET. The stand-in outlasts them.
    const agent = new http.Agent({ keepAlive: true, timeout: 60_000 });
    const get = () =>
      new Promise<Socket>((resolve, reject) => {
        http
          .get(`${standin.apiEndpoint}/storage/v1/b/hscode-test/o`, { agent }, (response) => {
            const { socket } = response;
            response.resume().on('end', () => resolve(socket));
          })
          .on('error', reject);
      });
    try {
      const first = await get();
      let closed = false;
      first.once('close', () => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(closed).toBe(false);
      expect(await get()).toBe(first);
    } finally {
      agent.destroy();
    }
  }, 20_000);
});

describe('multipart/related parsing', () => {
  const body = (parts: string) => Buffer.from(parts, 'latin1');
  it('splits metadata and media, keeping binary bytes exact', () => {
    const parts = parseMultipartRelated(
      'multipart/related; boundary=xyz',
      body(
        '--xyz\r\nContent-Type: application/json\r\n\r\n{"name":"a"}\r\n--xyz\r\nContent-Type: application/octet-stream\r\n\r\n\x00\r\n\xff\r\n--xyz--',
      ),
    );
    expect(parts.map((p) => p.headers['content-type'])).toEqual([
      'application/json',
      'application/octet-stream',
    ]);
    expect([...parts[1]!.body]).toEqual([0, 13, 10, 255]);
  });

  it.each([
    ['text/plain', '--xyz--'],
    ['multipart/related; boundary=xyz', 'no boundary here'],
    ['multipart/related; boundary=xyz', '--xyz\r\nContent-Type: a\r\n\r\nunterminated'],
  ])('refuses a malformed body (%s)', (contentType, text) => {
    expect(() => parseMultipartRelated(contentType, body(text))).toThrow();
  });
});
