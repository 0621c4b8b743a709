import { S3Client } from '@aws-sdk/client-s3';
import { describeObjectStoreContract } from '../../tests/contract/object-store-contract';
import { describeStreamingContract } from '../store/contract/streaming-contract';
import { describeWhenConfigured } from '../../tests/contract/real-cloud';
import {
  S3RVER_CREDENTIALS,
  startS3Standin,
  type S3Standin,
} from '../../tests/standins/s3-conditional-front/s3-standin';
import { PreconditionFailedError } from '../store/object-store';
import { openStore } from '../store/open-store';
import { S3ObjectStore } from './s3-store';

// The SDK's notice that its 2027 releases need Node 22 says nothing about these tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const clientFor = (endpoint: string) =>
  new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });

describe('S3ObjectStore against s3rver behind the conditional front', () => {
  let standin: S3Standin;
  let client: S3Client;
  const unreachable = clientFor('http://127.0.0.1:1');

  beforeAll(async () => {
    standin = await startS3Standin();
    client = clientFor(standin.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    unreachable.destroy();
    await standin.close();
  });

  describeObjectStoreContract('S3 (s3rver + conditional front)', () => ({
    open: (namespace) => new S3ObjectStore({ client, bucket: standin.bucket, prefix: namespace }),
    unreachable: () => new S3ObjectStore({ client: unreachable, bucket: standin.bucket }),
  }));

  let streams = 0;
  describeStreamingContract('S3 (s3rver + conditional front)', () => {
    return new S3ObjectStore({ client, bucket: standin.bucket, prefix: `streaming-${streams++}` });
  });

  it('retries a write S3 answers with 409 ConditionalRequestConflict, and passes it on past the limit', async () => {
    const store = new S3ObjectStore({
      client,
      bucket: standin.bucket,
      prefix: 'conflicts',
      conflictRetries: 2,
    });
    standin.front.injectConflicts(2);
    const written = await store.put('state.json', 'one', { ifVersion: null });
    expect((await store.get('state.json'))?.version).toBe(written.version);

    standin.front.injectConflicts(3);
    await expect(store.put('state.json', 'two', { ifVersion: written.version })).rejects.toMatchObject({
      name: 'ConditionalRequestConflict',
    });
    standin.front.injectConflicts(0);
    await store.put('state.json', 'two', { ifVersion: written.version });
  });

  it('is what openStore opens for an s3:// URL with an endpoint, using the default credentials chain', async () => {
    const credentials = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    Object.assign(process.env, credentials);
    try {
      const store = await openStore(`s3://${standin.bucket}/opened/here`, { endpoint: standin.endpoint });
      expect(store).toBeInstanceOf(S3ObjectStore);
      await store.put('k', 'v', { ifVersion: null });
      expect(
        await new S3ObjectStore({ client, bucket: standin.bucket, prefix: 'opened/here' }).list(''),
      ).toEqual(['k']);
    } finally {
      for (const name of Object.keys(credentials)) delete process.env[name];
    }
  });

  it('fails loudly for a bucket that does not exist instead of reading "no object"', async () => {
    const store = new S3ObjectStore({ client, bucket: 'no-such-bucket' });
    await expect(store.get('k')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(store.put('k', 'x', { ifVersion: null })).rejects.not.toBeInstanceOf(
      PreconditionFailedError,
    );
  });
});

describeWhenConfigured('S3', ['HSCODE_TEST_S3_BUCKET'], (env) => {
  const root = `s3://${env.HSCODE_TEST_S3_BUCKET}/${env.HSCODE_TEST_S3_PREFIX ?? 'hscode-contract'}`;
  describeObjectStoreContract(root, () => ({
    open: (namespace) => openStore(`${root}/${namespace}`),
    unreachable: () =>
      new S3ObjectStore({ client: clientFor('http://127.0.0.1:1'), bucket: env.HSCODE_TEST_S3_BUCKET! }),
    cleanUp: true,
  }));
});
