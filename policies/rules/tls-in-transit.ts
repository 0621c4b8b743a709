import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { deniesInsecureTransport } from '../lib/aws-policy';
import { at, passes } from '../lib/known';
import { ofType, s3BucketGaps } from '../lib/stack';

const STORAGE_TLS = ['TLS1_2', 'TLS1_3'];
const WEB_TLS = ['1.2', '1.3'];

export const tlsInTransit: StackValidationPolicy = {
  name: 'tls-in-transit',
  description:
    'Every store and function endpoint refuses plain HTTP and TLS older than 1.2: each S3 bucket has a policy denying requests without aws:SecureTransport, Azure storage accounts and web apps require HTTPS and TLS 1.2 or later (GCP serves its APIs over TLS only, with nothing to set).',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation) => {
    const deniesPlainHttp = (p: PolicyResource) => deniesInsecureTransport(() => p.props.policy) !== false;
    for (const { target, gap } of s3BucketGaps(
      resources,
      'aws:s3/bucketPolicy:BucketPolicy',
      deniesPlainHttp,
    )) {
      const what = gap === 'missing' ? 'has no bucket policy' : 'has a bucket policy that lets plain HTTP in';
      reportViolation(
        `S3 bucket ${target.name} ${what}: add an aws.s3.BucketPolicy with a statement that denies s3:* to Principal '*' when aws:SecureTransport is 'false'.`,
        target.urn,
      );
    }
    for (const r of ofType(resources, 'azure-native:storage:StorageAccount')) {
      if (!passes(at(r.props, 'minimumTlsVersion'), (v) => STORAGE_TLS.includes(v as string))) {
        reportViolation(
          `Storage account ${r.name} accepts TLS older than 1.2: set minimumTlsVersion to 'TLS1_2'.`,
          r.urn,
        );
      }
      if (at(r.props, 'enableHttpsTrafficOnly') === false) {
        reportViolation(
          `Storage account ${r.name} accepts plain HTTP: set enableHttpsTrafficOnly to true.`,
          r.urn,
        );
      }
    }
    for (const r of ofType(resources, 'azure-native:web:WebApp')) {
      if (!passes(at(r.props, 'httpsOnly'), (on) => on === true)) {
        reportViolation(`Web app ${r.name} answers plain HTTP: set httpsOnly to true.`, r.urn);
      }
      if (
        !passes(
          at(r.props, 'siteConfig', 'minTlsVersion'),
          (v) => v === undefined || WEB_TLS.includes(v as string),
        )
      ) {
        reportViolation(
          `Web app ${r.name} accepts TLS older than 1.2: set siteConfig.minTlsVersion to '1.2'.`,
          r.urn,
        );
      }
    }
  },
};
