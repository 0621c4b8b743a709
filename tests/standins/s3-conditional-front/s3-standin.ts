import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from '../child-server';
import { startConditionalFront, type ConditionalFront } from './front';

/** s3rver's fixed credentials: it accepts only requests signed with these. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Standin {
  /** The front's URL: give it to an S3 client as `endpoint`, with `forcePathStyle`. */
  endpoint: string;
  bucket: string;
  front: ConditionalFront;
  close(): Promise<void>;
}

/**
 * s3rver in its own process over a temporary folder, with the conditional-write front before it,
 * both on loopback. s3rver's ListObjectsV2 continuation tokens are DES-encrypted, which Node 17+
 * refuses without OpenSSL's legacy provider: the child gets it, nothing else does.
 */
export async function startS3Standin(bucket = 'hscode-test'): Promise<S3Standin> {
  const directory = mkdtempSync(join(tmpdir(), 'hscode-s3rver-'));
  const s3rver = await startChildServer({
    script: require.resolve('s3rver/bin/s3rver.js'),
    args: ['--directory', directory, '--address', '127.0.0.1', '--port', '0', '--silent'],
    nodeOptions: ['--openssl-legacy-provider'],
    ready: /listening on 127\.0\.0\.1:(\d+)/,
  }).catch((err: unknown) => {
    rmSync(directory, { recursive: true, force: true });
    throw err;
  });
  const front = await startConditionalFront({ upstream: { host: '127.0.0.1', port: s3rver.port } });
  await createBucket(front.url, bucket);
  return {
    endpoint: front.url,
    bucket,
    front,
    async close() {
      await front.close();
      await s3rver.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** s3rver takes anonymous bucket creation, so no signing is needed here. */
async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const response = await fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
  if (!response.ok)
    throw new Error(`creating bucket ${bucket} failed: ${response.status} ${await response.text()}`);
}
