import type { ResourceValidationPolicy } from '@pulumi/policy';
import { broadAwsGrants } from '../lib/aws-policy';
import { broadAzureGrants } from '../lib/azure-rbac';
import { broadGcpGrants } from '../lib/gcp-iam';

export const noWildcardPermissions: ResourceValidationPolicy = {
  name: 'no-wildcard-permissions',
  description:
    "No identity gets wildcard permissions: no AWS policy allows '*' or 'service:*' actions, NotAction, NotResource or Resource '*' (but for the actions AWS grants only on '*'), and none attaches a broad AWS managed policy; no GCP owner, editor or *.admin role is granted on the whole project; no Azure Owner, Contributor or User Access Administrator role, subscription-wide scope or wildcard custom role is assigned.",
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: {
      starResourceActions: {
        type: 'array',
        items: { type: 'string' },
        default: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'cloudwatch:PutMetricData'],
      },
    },
  },
  validateResource: ({ type, props, name, getConfig }, reportViolation) => {
    const { starResourceActions } = getConfig<{ starResourceActions: string[] }>();
    const found = [
      ...broadAwsGrants(type, props, starResourceActions),
      ...broadGcpGrants(type, props),
      ...broadAzureGrants(type, props),
    ];
    for (const why of found) {
      reportViolation(
        `${name} ${why}: grant only the actions each function needs, on the resources it needs them for.`,
      );
    }
  },
};
