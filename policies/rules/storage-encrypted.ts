import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { at, indices, passes } from '../lib/known';
import { ofType, s3BucketGaps } from '../lib/stack';

const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'];
const SSE_CONFIG = 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration';

export const storageEncrypted: StackValidationPolicy = {
  name: 'storage-encrypted',
  description:
    'Every store encrypts its objects at rest: each S3 bucket has a default server-side encryption configuration and no Azure storage account turns blob encryption off (GCS always encrypts, with nothing to set).',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation) => {
    const isRight = (config: PolicyResource) => {
      const rules = at(config.props, 'rules');
      return passes(rules, () =>
        indices(rules).some((i) =>
          passes(at(config.props, 'rules', i, 'applyServerSideEncryptionByDefault', 'sseAlgorithm'), (a) =>
            SSE_ALGORITHMS.includes(a as string),
          ),
        ),
      );
    };
    for (const { target, gap } of s3BucketGaps(resources, SSE_CONFIG, isRight)) {
      const what =
        gap === 'missing'
          ? 'has no aws.s3.BucketServerSideEncryptionConfiguration'
          : 'has an encryption configuration without a default algorithm';
      reportViolation(
        `S3 bucket ${target.name} ${what}: add one for it whose rule sets applyServerSideEncryptionByDefault.sseAlgorithm to 'aws:kms' or 'AES256'.`,
        target.urn,
      );
    }
    for (const account of ofType(resources, 'azure-native:storage:StorageAccount')) {
      if (at(account.props, 'encryption', 'services', 'blob', 'enabled') === false) {
        reportViolation(
          `Storage account ${account.name} turns blob encryption off: remove encryption.services.blob.enabled false (or set it true).`,
          account.urn,
        );
      }
    }
  },
};
