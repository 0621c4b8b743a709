import { Storage } from '@google-cloud/storage';
import { describeObjectStoreContract } from '../../tests/contract/object-store-contract';
import { describeStreamingContract } from '../store/contract/streaming-contract';
import { describeWhenConfigured } from '../../tests/contract/real-cloud';
import { startGcsStandin, type GcsStandin } from '../../tests/standins/gcs-json-api/server';
import { PreconditionFailedError } from '../store/object-store';
import { openStore } from '../store/open-store';
import { GcsObjectStore } from './gcs-store';

const BUCKET = 'hscode-test';
// Fail fast where nothing answers, instead of the client's default of retrying for minutes.
const noRetries = { retryOptions: { autoRetry: false } };

describe('GcsObjectStore against the JSON API stand-in, through the real client', () => {
  let standin: GcsStandin;
  let storage: Storage;

  beforeAll(async () => {
    standin = await startGcsStandin({ buckets: [BUCKET] });
    storage = new Storage({ apiEndpoint: standin.apiEndpoint, projectId: 'hscode-test' });
  });
  afterAll(() => standin.close());

  describeObjectStoreContract('Cloud Storage (JSON API stand-in)', () => ({
    open: (namespace) => new GcsObjectStore({ storage, bucket: BUCKET, prefix: namespace }),
    unreachable: () =>
      new GcsObjectStore({
        storage: new Storage({ apiEndpoint: 'http://127.0.0.1:1', ...noRetries }),
        bucket: BUCKET,
      }),
  }));

  let streams = 0;
  describeStreamingContract('Cloud Storage (JSON API stand-in)', () => {
    return new GcsObjectStore({ storage, bucket: BUCKET, prefix: `streaming-${streams++}` });
  });

  it('writes an unconditional put again when the connection is dropped under it, once', async () => {
    const store = new GcsObjectStore({ storage, bucket: BUCKET, prefix: 'dropped-connection' });
    standin.dropUploads(1);
    await store.put('model.onnx', 'the bytes');
    expect(Buffer.from((await store.get('model.onnx'))!.body).toString()).toBe('the bytes');
    standin.dropUploads(2);
    await expect(store.put('model.onnx', 'other bytes')).rejects.toThrow(/socket hang up|ECONNRESET|EPIPE/);
    standin.dropUploads(0);
    expect(Buffer.from((await store.get('model.onnx'))!.body).toString()).toBe('the bytes');
  });

  it('refuses a version that is not a generation without writing', async () => {
    const store = new GcsObjectStore({ storage, bucket: BUCKET, prefix: 'foreign-version' });
    const written = await store.put('k', 'one');
    const failure = await store.put('k', 'two', { ifVersion: '"0x8DC0FFEE"' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PreconditionFailedError);
    expect(failure).toMatchObject({ actual: written.version });
    expect((await store.get('k'))?.version).toBe(written.version);
  });

  it('is what openStore opens for a gs:// URL with an endpoint', async () => {
    const store = await openStore(`gs://${BUCKET}/opened/here`, { endpoint: standin.apiEndpoint });
    expect(store).toBeInstanceOf(GcsObjectStore);
    await store.put('k', 'v', { ifVersion: null });
    expect(await new GcsObjectStore({ storage, bucket: BUCKET, prefix: 'opened/here' }).list('')).toEqual([
      'k',
    ]);
  });

  it('fails loudly for a bucket that does not exist', async () => {
    const store = new GcsObjectStore({ storage, bucket: 'no-such-bucket' });
    await expect(store.get('k')).rejects.toMatchObject({ code: 404 });
    await expect(store.list('')).rejects.toMatchObject({ code: 404 });
    await expect(store.put('k', 'x')).rejects.toMatchObject({ code: 404 });
  });
});

describeWhenConfigured('Cloud Storage', ['HSCODE_TEST_GCS_BUCKET'], (env) => {
  const root = `gs://${env.HSCODE_TEST_GCS_BUCKET}/${env.HSCODE_TEST_GCS_PREFIX ?? 'hscode-contract'}`;
  describeObjectStoreContract(root, () => ({
    open: (namespace) => openStore(`${root}/${namespace}`),
    unreachable: () =>
      new GcsObjectStore({
        storage: new Storage({ apiEndpoint: 'http://127.0.0.1:1', ...noRetries }),
        bucket: env.HSCODE_TEST_GCS_BUCKET!,
      }),
    cleanUp: true,
  }));
});
