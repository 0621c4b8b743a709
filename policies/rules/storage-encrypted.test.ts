import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_OBJECT, without } from '../testing/run';
import { storageEncrypted } from './storage-encrypted';

const FIX =
  "add one for it whose rule sets applyServerSideEncryptionByDefault.sseAlgorithm to 'aws:kms' or 'AES256'.";

describe('storage-encrypted', () => {
  itPassesEveryCompliantStack(storageEncrypted);

  it('refuses an S3 bucket without a default encryption configuration', async () => {
    expect(await messagesOf(storageEncrypted, without(STACKS.aws(), 'store-encryption'))).toEqual([
      `S3 bucket store has no aws.s3.BucketServerSideEncryptionConfiguration: ${FIX}`,
    ]);
    const noDefault = mutate(
      STACKS.aws(),
      'store-encryption',
      (p) => (p.rules = [{ bucketKeyEnabled: true }]),
    );
    expect(await messagesOf(storageEncrypted, noDefault)).toEqual([
      `S3 bucket store has an encryption configuration without a default algorithm: ${FIX}`,
    ]);
  });

  it('accepts an encryption rule while it is unknown', async () => {
    const unknown = mutate(STACKS.aws(), 'store-encryption', (p) => (p.rules = [UNKNOWN_OBJECT]));
    expect(await messagesOf(storageEncrypted, unknown)).toEqual([]);
  });

  it('refuses an Azure storage account that turns blob encryption off', async () => {
    const stack = mutate(STACKS.azure(), 'store', (p) => (p.encryption.services.blob.enabled = false));
    expect(await messagesOf(storageEncrypted, stack)).toEqual([
      'Storage account store turns blob encryption off: remove encryption.services.blob.enabled false (or set it true).',
    ]);
  });
});
