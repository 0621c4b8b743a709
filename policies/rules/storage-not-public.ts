import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { publicGrants } from '../lib/gcp-iam';
import { at, indices, passes } from '../lib/known';
import { s3BucketGaps } from '../lib/stack';

const PUBLIC_ACCESS_BLOCK = 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock';
const BLOCK_FLAGS = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'];
const PUBLIC_CANNED_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];
const AWS_ACL_TYPES = [
  'aws:s3/bucketAcl:BucketAcl',
  'aws:s3/bucket:Bucket',
  'aws:s3/bucketObjectv2:BucketObjectv2',
];
const GCS_GRANT_TYPES = [
  'gcp:storage/bucketIAMMember:BucketIAMMember',
  'gcp:storage/bucketIAMBinding:BucketIAMBinding',
  'gcp:storage/bucketIAMPolicy:BucketIAMPolicy',
  'gcp:storage/bucketAccessControl:BucketAccessControl',
  'gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl',
  'gcp:storage/objectAccessControl:ObjectAccessControl',
];

/** Whether an S3 ACL resource grants reading to everyone, by canned ACL or by grantee group. */
function awsAclIsPublic(r: PolicyResource): boolean {
  const canned = at(r.props, 'acl');
  if (typeof canned === 'string' && PUBLIC_CANNED_ACLS.includes(canned)) return true;
  const grants = at(r.props, 'accessControlPolicy', 'grants');
  return indices(grants).some((i) => {
    const uri = at(r.props, 'accessControlPolicy', 'grants', i, 'grantee', 'uri');
    return typeof uri === 'string' && /\/(AllUsers|AuthenticatedUsers)$/.test(uri);
  });
}

export const storageNotPublic: StackValidationPolicy = {
  name: 'storage-not-public',
  description:
    'No store is readable by the public: every S3 bucket blocks all four kinds of public access and no ACL opens it, every GCS bucket enforces public access prevention and uniform access with no allUsers or allAuthenticatedUsers grant, and no Azure storage account or container allows anonymous blob reads.',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation) => {
    const allBlocked = (b: PolicyResource) =>
      BLOCK_FLAGS.every((f) => passes(at(b.props, f), (on) => on === true));
    for (const { target } of s3BucketGaps(resources, PUBLIC_ACCESS_BLOCK, allBlocked)) {
      reportViolation(
        `S3 bucket ${target.name} does not block all public access: add an aws.s3.BucketPublicAccessBlock for it with ${BLOCK_FLAGS.join(', ')} all true.`,
        target.urn,
      );
    }
    for (const r of resources) {
      if (AWS_ACL_TYPES.includes(r.type) && awsAclIsPublic(r)) {
        reportViolation(
          `${r.name} grants public access through an S3 ACL: use 'private' and IAM instead.`,
          r.urn,
        );
      } else if (r.type === 'gcp:storage/bucket:Bucket') {
        const prevention = at(r.props, 'publicAccessPrevention');
        const uniform = at(r.props, 'uniformBucketLevelAccess');
        if (!passes(prevention, (p) => p === 'enforced') || !passes(uniform, (u) => u === true)) {
          reportViolation(
            `GCS bucket ${r.name} can be made public: set publicAccessPrevention to 'enforced' and uniformBucketLevelAccess to true.`,
            r.urn,
          );
        }
      } else if (GCS_GRANT_TYPES.includes(r.type)) {
        const entity = at(r.props, 'entity');
        const members = publicGrants(r.props).map((g) => g.member);
        if (typeof entity === 'string' && /^(allUsers|allAuthenticatedUsers)$/.test(entity))
          members.push(entity);
        if (members.length > 0) {
          reportViolation(
            `${r.name} grants ${members.join(', ')} access to a bucket: grant named identities only.`,
            r.urn,
          );
        }
      } else if (r.type === 'azure-native:storage:StorageAccount') {
        if (!passes(at(r.props, 'allowBlobPublicAccess'), (allowed) => allowed === false)) {
          reportViolation(
            `Storage account ${r.name} may allow anonymous blob reads: set allowBlobPublicAccess to false.`,
            r.urn,
          );
        }
      } else if (r.type === 'azure-native:storage:BlobContainer') {
        const access = at(r.props, 'publicAccess');
        if (access === 'Blob' || access === 'Container') {
          reportViolation(`Blob container ${r.name} has publicAccess '${access}': set it to 'None'.`, r.urn);
        }
      }
    }
  },
};
