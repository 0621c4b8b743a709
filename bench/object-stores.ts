/**
 * Every object-store adapter against its loopback stand-in, beside the local store: get and put
 * latency (median, p90), and a conditional-write race in which `--writers` writers holding the
 * same version contend for one key, `--rounds` times, asserting exactly one winner per round.
 * Each server runs in its own process (the front for s3rver in this one).
 *
 *   npx tsx bench/object-stores.ts [--samples 300] [--rounds 1000] [--writers 4] [--only s3,gcs,azure,local]
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { S3Client } from '@aws-sdk/client-s3';
import { Storage } from '@google-cloud/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { S3ObjectStore } from '../runtime/aws/s3-store';
import { AzureBlobObjectStore } from '../runtime/azure/blob-store';
import { GcsObjectStore } from '../runtime/gcp/gcs-store';
import { LocalObjectStore } from '../runtime/store/local-store';
import { PreconditionFailedError, type ObjectStore } from '../runtime/store/object-store';
import { startAzurite } from '../tests/standins/azurite';
import { startChildServer } from '../tests/standins/child-server';
import { S3RVER_CREDENTIALS, startS3Standin } from '../tests/standins/s3-conditional-front/s3-standin';
import { percentile } from './sample-stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '1000' },
    writers: { type: 'string', default: '4' },
    only: { type: 'string', default: 'local,s3,gcs,azure' },
  },
});
const samples = Number(values.samples);
const rounds = Number(values.rounds);
const writers = Number(values.writers);

interface Subject {
  name: string;
  store: ObjectStore;
  close(): Promise<void>;
}

const subjects: Record<string, () => Promise<Subject>> = {
  local: async () => {
    const root = mkdtempSync(join(tmpdir(), 'hscode-bench-store-'));
    return {
      name: 'local folder',
      store: new LocalObjectStore(root),
      close: async () => rmSync(root, { recursive: true, force: true }),
    };
  },
  s3: async () => {
    const standin = await startS3Standin();
    const client = new S3Client({
      endpoint: standin.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
    });
    return {
      name: 'S3 adapter → conditional front → s3rver',
      store: new S3ObjectStore({ client, bucket: standin.bucket, prefix: 'bench' }),
      close: async () => {
        client.destroy();
        await standin.close();
      },
    };
  },
  gcs: async () => {
    const server = await startChildServer({
      script: join(__dirname, '..', 'tests', 'standins', 'gcs-json-api', 'main.ts'),
      args: ['hscode-bench'],
      nodeOptions: ['--import', 'tsx'],
      ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    });
    const storage = new Storage({ apiEndpoint: `http://127.0.0.1:${server.port}` });
    return {
      name: 'Cloud Storage adapter → JSON API stand-in',
      store: new GcsObjectStore({ storage, bucket: 'hscode-bench', prefix: 'bench' }),
      close: () => server.close(),
    };
  },
  azure: async () => {
    const azurite = await startAzurite();
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'bench',
    );
    await container.create();
    return {
      name: 'Azure Blob adapter → azurite',
      store: new AzureBlobObjectStore({ container, prefix: 'bench' }),
      close: () => azurite.close(),
    };
  },
};

/** Median and p90 in ms of `count` sequential calls, after a tenth as many unmeasured ones. */
async function latency(count: number, call: (i: number) => Promise<unknown>): Promise<string> {
  for (let i = 0; i < Math.ceil(count / 10); i++) await call(i);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return `${percentile(times, 0.5).toFixed(1)} / ${percentile(times, 0.9).toFixed(1)}`;
}

/** `writers` writers with the same expected version, `rounds` times; exactly one must win each. */
async function race(store: ObjectStore): Promise<{ msPerRound: number; lost: number }> {
  let version = (await store.put('race/state.json', 'round 0')).version;
  let lost = 0;
  const started = performance.now();
  for (let round = 1; round <= rounds; round++) {
    const results = await Promise.allSettled(
      Array.from({ length: writers }, (_, w) =>
        store.put('race/state.json', `round ${round} writer ${w}`, { ifVersion: version }),
      ),
    );
    const won = results.filter(
      (r): r is PromiseFulfilledResult<{ version: string }> => r.status === 'fulfilled',
    );
    const badLosses = results.filter(
      (r) => r.status === 'rejected' && !(r.reason instanceof PreconditionFailedError),
    );
    if (won.length !== 1 || badLosses.length > 0) {
      throw new Error(
        `round ${round}: ${won.length} winners, ${badLosses.length} failures that were not a lost condition: ${
          badLosses.map((r) => (r as PromiseRejectedResult).reason).join('; ') || '-'
        }`,
      );
    }
    lost += writers - 1;
    version = won[0]!.value.version;
  }
  return { msPerRound: (performance.now() - started) / rounds, lost };
}

async function main(): Promise<void> {
  const small = Buffer.alloc(1024, 'x');
  const large = Buffer.alloc(1024 * 1024, 'y');
  console.log(
    `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
      `${samples} samples per latency, race of ${writers} writers × ${rounds} rounds\n`,
  );
  console.log(
    '| store | put 1 KiB | get 1 KiB | conditional update 1 KiB | put 1 MiB | get 1 MiB | race: ms per round | race: winners |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const name of values.only.split(',')) {
    const open = subjects[name.trim()];
    if (!open) throw new Error(`unknown store "${name}": use local, s3, gcs, azure`);
    const subject = await open();
    try {
      const { store } = subject;
      const put = await latency(samples, (i) => store.put(`lat/small-${i % 50}`, small));
      const get = await latency(samples, (i) => store.get(`lat/small-${i % 50}`));
      let current = (await store.put('lat/cas', small)).version;
      const cas = await latency(samples, async () => {
        current = (await store.put('lat/cas', small, { ifVersion: current })).version;
      });
      const putLarge = await latency(Math.ceil(samples / 10), (i) => store.put(`lat/large-${i % 5}`, large));
      const getLarge = await latency(Math.ceil(samples / 10), (i) => store.get(`lat/large-${i % 5}`));
      const { msPerRound, lost } = await race(store);
      console.log(
        `| ${subject.name} | ${put} | ${get} | ${cas} | ${putLarge} | ${getLarge} | ${msPerRound.toFixed(1)} | ${rounds} of ${rounds} rounds (${lost} lost) |`,
      );
    } finally {
      await subject.close();
    }
  }
  console.log('\nLatencies in ms, median / p90, sequential calls on loopback.');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
