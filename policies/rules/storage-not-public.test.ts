import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, without } from '../testing/run';
import { storageNotPublic } from './storage-not-public';

const BLOCK =
  'S3 bucket store does not block all public access: add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.';

describe('storage-not-public', () => {
  itPassesEveryCompliantStack(storageNotPublic);

  it('refuses an S3 bucket without a public access block, or with one flag off', async () => {
    expect(await messagesOf(storageNotPublic, without(STACKS.aws(), 'store-public-access'))).toEqual([BLOCK]);
    const oneOff = mutate(STACKS.aws(), 'store-public-access', (p) => (p.restrictPublicBuckets = false));
    expect(await messagesOf(storageNotPublic, oneOff)).toEqual([BLOCK]);
  });

  it('refuses a public S3 ACL, canned or by grantee group', async () => {
    const canned = [
      ...STACKS.aws(),
      { type: 'aws:s3/bucketAcl:BucketAcl', name: 'acl', props: { bucket: 'b', acl: 'public-read' } },
    ];
    expect(await messagesOf(storageNotPublic, canned)).toEqual([
      "acl grants public access through an S3 ACL: use 'private' and IAM instead.",
    ]);
    const grants = {
      grants: [
        {
          permission: 'READ',
          grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' },
        },
      ],
      owner: { id: 'x' },
    };
    const granted = mutate(STACKS.aws(), 'model-manifest', (p) => (p.accessControlPolicy = grants));
    expect(await messagesOf(storageNotPublic, granted)).toEqual([
      "model-manifest grants public access through an S3 ACL: use 'private' and IAM instead.",
    ]);
  });

  it('refuses a GCS bucket that could be made public', async () => {
    const message =
      "GCS bucket store can be made public: set publicAccessPrevention to 'enforced' and uniformBucketLevelAccess to true.";
    const inherited = mutate(STACKS.gcp(), 'store', (p) => (p.publicAccessPrevention = 'inherited'));
    expect(await messagesOf(storageNotPublic, inherited)).toEqual([message]);
    const fineGrained = mutate(STACKS.gcp(), 'store', (p) => delete p.uniformBucketLevelAccess);
    expect(await messagesOf(storageNotPublic, fineGrained)).toEqual([message]);
  });

  it('refuses allUsers or allAuthenticatedUsers on a GCS bucket, as member, binding, policy or ACL', async () => {
    const policyData = JSON.stringify({
      bindings: [{ role: 'roles/storage.objectViewer', members: ['allAuthenticatedUsers'] }],
    });
    const records = [
      {
        type: 'gcp:storage/bucketIAMMember:BucketIAMMember',
        name: 'm',
        props: { bucket: 'b', role: 'roles/storage.objectViewer', member: 'allUsers' },
      },
      {
        type: 'gcp:storage/bucketIAMBinding:BucketIAMBinding',
        name: 'b',
        props: { bucket: 'b', role: 'r', members: ['user:a@b.c', 'allUsers'] },
      },
      { type: 'gcp:storage/bucketIAMPolicy:BucketIAMPolicy', name: 'p', props: { bucket: 'b', policyData } },
      {
        type: 'gcp:storage/bucketAccessControl:BucketAccessControl',
        name: 'a',
        props: { bucket: 'b', entity: 'allUsers', role: 'READER' },
      },
    ];
    expect(await messagesOf(storageNotPublic, records)).toEqual([
      'm grants allUsers access to a bucket: grant named identities only.',
      'b grants allUsers access to a bucket: grant named identities only.',
      'p grants allAuthenticatedUsers access to a bucket: grant named identities only.',
      'a grants allUsers access to a bucket: grant named identities only.',
    ]);
  });

  it('refuses an Azure storage account or container that allows anonymous reads', async () => {
    const account = mutate(STACKS.azure(), 'store', (p) => delete p.allowBlobPublicAccess);
    expect(await messagesOf(storageNotPublic, account)).toEqual([
      'Storage account store may allow anonymous blob reads: set allowBlobPublicAccess to false.',
    ]);
    const open = mutate(STACKS.azure(), 'deployments', (p) => (p.publicAccess = 'Blob'));
    expect(await messagesOf(storageNotPublic, open)).toEqual([
      "Blob container deployments has publicAccess 'Blob': set it to 'None'.",
    ]);
  });
});
