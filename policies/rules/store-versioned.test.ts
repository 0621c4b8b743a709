import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING, without } from '../testing/run';
import { storeVersioned } from './store-versioned';

const BUCKET_URN = 'urn:pulumi:stack::project::aws:s3/bucket:Bucket::store';
const NO_VERSIONING =
  "S3 bucket store has no aws.s3.BucketVersioning: add an aws.s3.BucketVersioning for it with versioningConfiguration.status 'Enabled'.";

describe('store-versioned', () => {
  itPassesEveryCompliantStack(storeVersioned);

  it('refuses an S3 bucket without versioning, or with versioning suspended', async () => {
    expect(await messagesOf(storeVersioned, without(STACKS.aws(), 'store-versioning'))).toEqual([
      NO_VERSIONING,
    ]);
    const suspended = mutate(
      STACKS.aws(),
      'store-versioning',
      (p) => (p.versioningConfiguration.status = 'Suspended'),
    );
    expect(await messagesOf(storeVersioned, suspended)).toEqual([
      "S3 bucket store has versioning that is not Enabled: add an aws.s3.BucketVersioning for it with versioningConfiguration.status 'Enabled'.",
    ]);
  });

  it("refuses another bucket's versioning as this bucket's", async () => {
    const other = mutate(STACKS.aws(), 'store-versioning', (p) => (p.bucket = 'some-other-bucket'));
    expect(await messagesOf(storeVersioned, other)).toEqual([NO_VERSIONING]);
  });

  it('follows the dependency the engine records while the bucket name is unknown in a preview', async () => {
    const unknown = mutate(STACKS.aws(), 'store-versioning', (p) => (p.bucket = UNKNOWN_STRING));
    expect(await messagesOf(storeVersioned, unknown)).toEqual([]);
    const recorded = unknown.map((r) =>
      r.name === 'store-versioning' ? { ...r, propertyDependencies: { bucket: [BUCKET_URN] } } : r,
    );
    expect(await messagesOf(storeVersioned, recorded)).toEqual([]);
    const elsewhere = unknown.map((r) =>
      r.name === 'store-versioning'
        ? {
            ...r,
            propertyDependencies: {
              bucket: ['urn:pulumi:stack::project::aws:cloudwatch/logGroup:LogGroup::api-logs'],
            },
          }
        : r,
    );
    expect(await messagesOf(storeVersioned, elsewhere)).toEqual([NO_VERSIONING]);
  });

  it("cannot tell another bucket's versioning from this bucket's while this bucket's name is unknown", async () => {
    const unknownName = mutate(STACKS.aws(), 'store', (p) => (p.bucket = UNKNOWN_STRING));
    const other = mutate(unknownName, 'store-versioning', (p) => (p.bucket = 'some-other-bucket'));
    expect(await messagesOf(storeVersioned, other)).toEqual([]);
  });

  it("matches an offline plan's references by the id the mocks gave the bucket", async () => {
    const byId = mutate(STACKS.aws(), 'store-versioning', (p) => (p.bucket = 'store-bucket-id')).map((r) =>
      r.name === 'store' ? { ...r, id: 'store-bucket-id' } : r,
    );
    expect(await messagesOf(storeVersioned, byId)).toEqual([]);
    expect(
      await messagesOf(
        storeVersioned,
        byId.map((r) => ({ ...r, id: undefined })),
      ),
    ).toEqual([NO_VERSIONING]);
  });

  it('refuses a GCS bucket without versioning', async () => {
    const stack = mutate(STACKS.gcp(), 'store', (p) => (p.versioning.enabled = false));
    expect(await messagesOf(storeVersioned, stack)).toEqual([
      'GCS bucket store does not keep versions: set versioning.enabled to true.',
    ]);
  });

  it('refuses an Azure storage account without blob versioning', async () => {
    expect(await messagesOf(storeVersioned, without(STACKS.azure(), 'store-blob-service'))).toEqual([
      'Storage account store has no BlobServiceProperties: add an azure-native storage.BlobServiceProperties for it with isVersioningEnabled true.',
    ]);
    const off = mutate(STACKS.azure(), 'store-blob-service', (p) => (p.isVersioningEnabled = false));
    expect(await messagesOf(storeVersioned, off)).toEqual([
      'Storage account store has blob versioning off: add an azure-native storage.BlobServiceProperties for it with isVersioningEnabled true.',
    ]);
  });
});
