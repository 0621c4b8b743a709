import type { ResourceValidationPolicy } from '@pulumi/policy';
import { known, UNKNOWN } from '../lib/known';

/** Where each cloud keeps a log store's retention, in days. */
const RETENTION_PROP: Readonly<Record<string, string>> = {
  'aws:cloudwatch/logGroup:LogGroup': 'retentionInDays',
  'gcp:logging/projectBucketConfig:ProjectBucketConfig': 'retentionDays',
  'azure-native:operationalinsights:Workspace': 'retentionInDays',
};

export const logRetention: ResourceValidationPolicy = {
  name: 'log-retention',
  description:
    'Every log store keeps its logs at least the configured number of days (30 by default) and none keeps them forever, so each prediction and model decision can be audited afterwards at a known cost.',
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: {
      minimumRetentionDays: { type: 'integer', minimum: 1, default: 30 },
    },
  },
  validateResource: ({ type, props, name, getConfig }, reportViolation) => {
    const prop = RETENTION_PROP[type];
    if (prop === undefined) return;
    const { minimumRetentionDays } = getConfig<{ minimumRetentionDays: number }>();
    const days = known(() => props[prop]);
    if (days === UNKNOWN) return;
    const fix = `set ${prop} to at least ${minimumRetentionDays} (or lower minimumRetentionDays in this stack's policy config)`;
    if (type.startsWith('aws:') && (days === undefined || days === 0)) {
      reportViolation(`Log group ${name} never expires its logs (${prop} is unset or 0): ${fix}.`);
    } else if (typeof days === 'number' && days < minimumRetentionDays) {
      reportViolation(
        `${name} keeps logs for ${days} days, fewer than the ${minimumRetentionDays} required: ${fix}.`,
      );
    } else if (days === undefined) {
      // GCP and Azure fall back to 30 days when unset, which only meets a minimum of 30 or less.
      if (minimumRetentionDays > 30) {
        reportViolation(
          `${name} leaves ${prop} unset, which keeps logs 30 days, fewer than the ${minimumRetentionDays} required: ${fix}.`,
        );
      }
    }
  },
};
