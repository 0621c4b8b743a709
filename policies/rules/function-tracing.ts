import type { ResourceValidationPolicy } from '@pulumi/policy';
import { functionCloud, functionEnv } from '../lib/functions';
import { known, UNKNOWN } from '../lib/known';

const APP_INSIGHTS = 'APPLICATIONINSIGHTS_CONNECTION_STRING';

export const functionTracing: ResourceValidationPolicy = {
  name: 'function-tracing',
  description:
    'Every function sends traces: AWS Lambda with active X-Ray tracing, Azure function apps with an Application Insights connection string; GCP 2nd-gen functions are traced by Cloud Run without any setting.',
  enforcementLevel: 'advisory',
  validateResource: ({ type, props, name, notApplicable }, reportViolation) => {
    const cloud = functionCloud(type, props);
    if (cloud === undefined) return;
    if (cloud === 'gcp') notApplicable('Cloud Functions (2nd gen) are traced by Cloud Run by default.');
    if (cloud === 'aws') {
      const mode = known(() => (props.tracingConfig as { mode?: unknown } | undefined)?.mode);
      if (mode !== UNKNOWN && mode !== 'Active') {
        reportViolation(
          `Lambda ${name} has tracing mode '${String(mode ?? 'PassThrough')}': set tracingConfig.mode to 'Active' so each invocation is traced in X-Ray.`,
        );
      }
      return;
    }
    const connection = functionEnv(cloud, props, APP_INSIGHTS);
    if (connection !== UNKNOWN && (connection === undefined || connection === '')) {
      reportViolation(
        `Function app ${name} has no ${APP_INSIGHTS} app setting: set it in siteConfig.appSettings from the stack's Application Insights component so invocations are traced.`,
      );
    }
  },
};
