import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING, without } from '../testing/run';
import { tlsInTransit } from './tls-in-transit';

const FIX =
  "add an aws.s3.BucketPolicy with a statement that denies s3:* to Principal '*' when aws:SecureTransport is 'false'.";

describe('tls-in-transit', () => {
  itPassesEveryCompliantStack(tlsInTransit);

  it('refuses an S3 bucket without a policy that denies plain HTTP', async () => {
    expect(await messagesOf(tlsInTransit, without(STACKS.aws(), 'store-tls-only'))).toEqual([
      `S3 bucket store has no bucket policy: ${FIX}`,
    ]);
    const allowing = mutate(STACKS.aws(), 'store-tls-only', (p) => {
      const policy = JSON.parse(p.policy);
      policy.Statement[0].Condition.Bool['aws:SecureTransport'] = 'true';
      p.policy = JSON.stringify(policy);
    });
    expect(await messagesOf(tlsInTransit, allowing)).toEqual([
      `S3 bucket store has a bucket policy that lets plain HTTP in: ${FIX}`,
    ]);
    const unknown = mutate(STACKS.aws(), 'store-tls-only', (p) => (p.policy = UNKNOWN_STRING));
    expect(await messagesOf(tlsInTransit, unknown)).toEqual([]);
  });

  it('refuses an Azure storage account with old TLS or plain HTTP', async () => {
    const stack = mutate(STACKS.azure(), 'store', (p) => {
      p.minimumTlsVersion = 'TLS1_0';
      p.enableHttpsTrafficOnly = false;
    });
    expect(await messagesOf(tlsInTransit, stack)).toEqual([
      "Storage account store accepts TLS older than 1.2: set minimumTlsVersion to 'TLS1_2'.",
      'Storage account store accepts plain HTTP: set enableHttpsTrafficOnly to true.',
    ]);
  });

  it('refuses an Azure web app with plain HTTP or old TLS', async () => {
    const stack = mutate(STACKS.azure(), 'api', (p) => {
      delete p.httpsOnly;
      p.siteConfig.minTlsVersion = '1.1';
    });
    expect(await messagesOf(tlsInTransit, stack)).toEqual([
      'Web app api answers plain HTTP: set httpsOnly to true.',
      "Web app api accepts TLS older than 1.2: set siteConfig.minTlsVersion to '1.2'.",
    ]);
  });
});
