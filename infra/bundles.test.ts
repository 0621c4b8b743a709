import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_UNZIPPED_LIMIT_BYTES, BundleError, loadBundle, loadBundles } from './bundles';
import { writeBundles } from './test-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hscode-bundles-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const indexPath = (name: string) => join(dir, `${name}.json`);
const editIndex = (name: string, edit: (index: Record<string, unknown>) => void) => {
  const index = JSON.parse(readFileSync(indexPath(name), 'utf8')) as Record<string, unknown>;
  edit(index);
  writeFileSync(indexPath(name), JSON.stringify(index));
};

test('reads every bundle role with its checked zip and handlers', () => {
  const written = writeBundles(dir, 'aws', 'arm64');
  const bundles = loadBundles(dir, 'aws', 'arm64');
  expect(bundles.predict).toEqual({ ...written.predict, path: join(dir, 'aws-predict-arm64.zip') });
  expect(bundles.retrain.handlers).toEqual({ retrain: 'index.retrain' });
});

test('a missing index says which command builds it', () => {
  expect(() => loadBundles(dir, 'azure', 'x64')).toThrow(
    new BundleError(
      `${indexPath('azure-predict-x64')} is missing: run "npm run bundle -- --cloud azure" to build it`,
    ),
  );
});

test('a zip changed after bundling is refused by its sha256', () => {
  writeBundles(dir, 'gcp');
  const zip = join(dir, 'gcp-predict-x64.zip');
  const bytes = readFileSync(zip);
  const last = bytes.length - 1;
  bytes.writeUInt8(bytes.readUInt8(last) ^ 0xff, last);
  writeFileSync(zip, bytes);
  expect(() => loadBundle(dir, 'gcp', 'predict', 'x64')).toThrow(
    /has sha256 [0-9a-f]{64}, its index says [0-9a-f]{64}: the zip changed after bundling/,
  );
});

test('a zip whose size differs from its index is refused', () => {
  writeBundles(dir, 'gcp');
  writeFileSync(join(dir, 'gcp-retrain-x64.zip'), 'short');
  expect(() => loadBundle(dir, 'gcp', 'retrain', 'x64')).toThrow(/has 5 bytes, its index says \d+/);
});

test.each<[string, (index: Record<string, unknown>) => void, RegExp]>([
  ['another cloud', (i) => (i.cloud = 'gcp'), /says cloud "gcp", expected "aws"/],
  ['another architecture', (i) => (i.arch = 'arm64'), /says arch "arm64", expected "x64"/],
  [
    'no handler for a role it carries',
    (i) => (i.handlers = { api: 'index.api' }),
    /names no handler for batch, jobs/,
  ],
  ['a malformed sha256', (i) => (i.sha256 = 'xyz'), /is not a bundle index \(\/sha256 must match/],
  ['an unknown field', (i) => (i.extra = 1), /must NOT have additional properties/],
  ['a file outside its folder', (i) => (i.file = '../elsewhere.zip'), /\/file must match/],
  [
    'Lambda’s unzipped limit exceeded',
    (i) => (i.unzippedBytes = AWS_UNZIPPED_LIMIT_BYTES + 1),
    /over Lambda's 262144000: make the bundle smaller/,
  ],
])('an index with %s is refused', (_, edit, message) => {
  writeBundles(dir, 'aws');
  editIndex('aws-predict-x64', edit);
  expect(() => loadBundle(dir, 'aws', 'predict', 'x64')).toThrow(message);
});

test('an index that is not JSON says so', () => {
  writeBundles(dir, 'aws');
  writeFileSync(indexPath('aws-retrain-x64'), '{');
  expect(() => loadBundle(dir, 'aws', 'retrain', 'x64')).toThrow(
    /is not JSON .*npm run bundle -- --cloud aws/,
  );
});

test('a missing zip beside its index is named', () => {
  writeBundles(dir, 'aws');
  rmSync(join(dir, 'aws-retrain-x64.zip'));
  expect(() => loadBundle(dir, 'aws', 'retrain', 'x64')).toThrow(
    /aws-retrain-x64\.zip \(named by .*\) is missing/,
  );
});
