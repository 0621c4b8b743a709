import type { ResourceValidationPolicy } from '@pulumi/policy';
import { functionCloud } from '../lib/functions';
import { at, UNKNOWN } from '../lib/known';

const runtimeList = (values: string[]) => ({
  type: 'array' as const,
  items: { type: 'string' as const },
  default: values,
});

export const functionRuntimePinned: ResourceValidationPolicy = {
  name: 'function-runtime-pinned',
  description:
    'Every function names a pinned, supported Node.js runtime from the allowed list (by default Node.js 20 or 22: nodejs20.x/nodejs22.x on AWS, nodejs20/nodejs22 on GCP, node 20/22 on Azure), so the bundle runs on the Node.js it was built and tested for.',
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: {
      awsRuntimes: runtimeList(['nodejs20.x', 'nodejs22.x']),
      gcpRuntimes: runtimeList(['nodejs20', 'nodejs22']),
      azureNodeVersions: runtimeList(['20', '22']),
    },
  },
  validateResource: ({ type, props, name, getConfig }, reportViolation) => {
    const cloud = functionCloud(type, props);
    if (cloud === undefined) return;
    const config = getConfig<{ awsRuntimes: string[]; gcpRuntimes: string[]; azureNodeVersions: string[] }>();
    const [runtime, allowed, where] =
      cloud === 'aws'
        ? [at(props, 'runtime'), config.awsRuntimes, 'runtime']
        : cloud === 'gcp'
          ? [at(props, 'buildConfig', 'runtime'), config.gcpRuntimes, 'buildConfig.runtime']
          : [
              at(props, 'functionAppConfig', 'runtime', 'version'),
              config.azureNodeVersions,
              'functionAppConfig.runtime.version',
            ];
    if (cloud === 'azure') {
      const runtimeName = at(props, 'functionAppConfig', 'runtime', 'name');
      if (runtimeName !== UNKNOWN && runtimeName !== 'node') {
        reportViolation(
          `Function app ${name} runs '${String(runtimeName ?? '(unset)')}', not Node.js: set functionAppConfig.runtime.name to 'node'.`,
        );
      }
    }
    if (runtime !== UNKNOWN && !allowed.includes(runtime as string)) {
      reportViolation(
        `Function ${name} runs on '${String(runtime ?? '(unset)')}', which is not an allowed runtime: set ${where} to one of ${allowed.join(', ')} (the list is this stack's policy config).`,
      );
    }
  },
};
