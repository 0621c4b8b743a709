import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { at, passes } from '../lib/known';
import { companionGaps, IDENTITY_KEYS, ofType, s3BucketGaps } from '../lib/stack';

export const storeVersioned: StackValidationPolicy = {
  name: 'store-versioned',
  description:
    'Every bucket or storage account keeps object versions (S3 bucket versioning, GCS versioning, Azure blob versioning), so an overwritten model, registry state or audit file can be recovered and its history shown.',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation) => {
    const enabled = (v: PolicyResource) =>
      passes(at(v.props, 'versioningConfiguration', 'status'), (s) => s === 'Enabled');
    for (const { target, gap } of s3BucketGaps(
      resources,
      'aws:s3/bucketVersioning:BucketVersioning',
      enabled,
    )) {
      const what =
        gap === 'missing' ? 'has no aws.s3.BucketVersioning' : 'has versioning that is not Enabled';
      reportViolation(
        `S3 bucket ${target.name} ${what}: add an aws.s3.BucketVersioning for it with versioningConfiguration.status 'Enabled'.`,
        target.urn,
      );
    }
    for (const bucket of ofType(resources, 'gcp:storage/bucket:Bucket')) {
      const enabled = at(bucket.props, 'versioning', 'enabled');
      if (enabled === false || enabled === undefined) {
        reportViolation(
          `GCS bucket ${bucket.name} does not keep versions: set versioning.enabled to true.`,
          bucket.urn,
        );
      }
    }
    const accounts = ofType(resources, 'azure-native:storage:StorageAccount');
    const services = ofType(resources, 'azure-native:storage:BlobServiceProperties');
    for (const { target, gap } of companionGaps(
      accounts,
      services,
      'accountName',
      IDENTITY_KEYS.storageAccount,
      (s) => passes(at(s.props, 'isVersioningEnabled'), (on) => on === true),
    )) {
      const what = gap === 'missing' ? 'has no BlobServiceProperties' : 'has blob versioning off';
      reportViolation(
        `Storage account ${target.name} ${what}: add an azure-native storage.BlobServiceProperties for it with isVersioningEnabled true.`,
        target.urn,
      );
    }
  },
};
