import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalObjectStore } from './local-store';
import { openStore } from './open-store';
import { parseStoreUrl, StoreUrlError } from './store-url';

const run = promisify(execFile);

describe('parseStoreUrl', () => {
  it.each([
    ['s3://hscode-models', { kind: 's3', bucket: 'hscode-models', prefix: '' }],
    ['s3://hscode.models-1/prod/eu/', { kind: 's3', bucket: 'hscode.models-1', prefix: 'prod/eu' }],
    ['gs://hscode_models/a%20b', { kind: 'gcs', bucket: 'hscode_models', prefix: 'a b' }],
    [
      'https://hscodeprod.blob.core.windows.net/models',
      {
        kind: 'azure',
        accountUrl: 'https://hscodeprod.blob.core.windows.net',
        account: 'hscodeprod',
        container: 'models',
        prefix: '',
      },
    ],
    [
      'https://HscodeProd.blob.core.windows.net/models/stage/1',
      {
        kind: 'azure',
        accountUrl: 'https://hscodeprod.blob.core.windows.net',
        account: 'hscodeprod',
        container: 'models',
        prefix: 'stage/1',
      },
    ],
    ['./var', { kind: 'local', root: './var' }],
    ['/srv/hscode', { kind: 'local', root: '/srv/hscode' }],
    ['file:///srv/hscode', { kind: 'local', root: '/srv/hscode' }],
  ])('reads %s', (url, location) => {
    expect(parseStoreUrl(url)).toEqual(location);
  });

  it.each([
    ['', /it is empty/],
    ['s3://', /"" is not an S3 bucket name/],
    ['s3://Hscode_Models', /not an S3 bucket name/],
    ['s3://192.168.1.1', /not an S3 bucket name/],
    ['s3://bucket//double', /not a valid key prefix/],
    ['s3://bucket/../up', /not a valid key prefix/],
    ['s3://bucket/.hidden', /not a valid key prefix/],
    ['s3://bucket/%E0%A4%A', /not valid percent-encoding/],
    ['s3://bucket?region=eu-west-1', /query strings and fragments/],
    ['s3://key:secret@bucket', /credentials never belong in the URL/],
    ['gs://UPPER', /not a Cloud Storage bucket name/],
    ['https://example.com/container', /not an Azure Blob Storage account host/],
    ['https://hscodeprod.blob.core.windows.net', /names no container/],
    ['https://hscodeprod.blob.core.windows.net/Bad--Name', /not a container name/],
    ['http://hscodeprod.blob.core.windows.net/models', /reached over https/],
    ['ftp://bucket', /"ftp:\/\/" is not a store scheme/],
  ])('refuses %j, saying what is wrong and what is expected', (url, problem) => {
    expect(() => parseStoreUrl(url)).toThrow(StoreUrlError);
    expect(() => parseStoreUrl(url)).toThrow(problem);
    expect(() => parseStoreUrl(url)).toThrow(/Expected s3:\/\/<bucket>/);
  });
});

describe('openStore', () => {
  it('opens a local folder as the local store', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hscode-open-'));
    const store = await openStore(root, { env: {} });
    expect(store).toBeInstanceOf(LocalObjectStore);
    await store.put('k', 'v');
    expect(await new LocalObjectStore(root).list('')).toEqual(['k']);
  });

  it('refuses an endpoint that is not an http URL, or one given for a store it cannot apply to', async () => {
    await expect(openStore('s3://bucket', { endpoint: '127.0.0.1 port 4568' })).rejects.toThrow(
      /is not a URL/,
    );
    await expect(openStore('gs://bucket', { endpoint: 'ftp://127.0.0.1' })).rejects.toThrow(/http or https/);
    await expect(
      openStore('./var', { env: { HSCODE_STORE_ENDPOINT: 'http://127.0.0.1:1' } }),
    ).rejects.toThrow(/local folder: unset it/);
    await expect(
      openStore('https://acct123.blob.core.windows.net/models', { endpoint: 'http://127.0.0.1:1' }),
    ).rejects.toThrow(/AZURE_STORAGE_CONNECTION_STRING/);
  });

  it('loads a cloud SDK only when a store of that cloud is opened', async () => {
    const probe = join(__dirname, '..', '..', 'tests', 'helpers', 'open-store-probe.ts');
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        probe,
        tmpdir(),
        's3://bucket-a/p',
        'gs://bucket-b',
        'https://acct123.blob.core.windows.net/models',
      ],
      { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    expect(JSON.parse(stdout)).toEqual([
      { url: '(start)', loaded: [] },
      { url: tmpdir(), loaded: [] },
      { url: 's3://bucket-a/p', loaded: ['aws'] },
      { url: 'gs://bucket-b', loaded: ['aws', 'gcp'] },
      { url: 'https://acct123.blob.core.windows.net/models', loaded: ['aws', 'gcp', 'azure'] },
    ]);
  });
});
