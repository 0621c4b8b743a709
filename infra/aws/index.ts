import * as pulumi from '@pulumi/pulumi';
import { getCallerIdentityOutput } from '@pulumi/aws/getCallerIdentity';
import { Provider } from '@pulumi/aws/provider';
import type { StackConfig } from '../config';
import type { Platform } from '../platform';
import { AwsFunction } from './function';
import { AwsHttpFunction } from './http-function';
import { AwsModelStore } from './model-store';
import { AwsMonitoring } from './monitoring';
import { AwsObjectFunctions } from './object-functions';
import type { AwsOptions } from './options';
import { AwsScheduledFunction } from './scheduled-function';

export type { AwsOptions };
export { AwsFunction };

/** AWS: S3, Lambda, EventBridge Scheduler, CloudWatch; one explicit provider for the stack's region. */
export function awsPlatform(config: StackConfig, options: AwsOptions = {}): Platform<AwsModelStore> {
  const provider = new Provider('aws', { region: config.region });
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
  const accountId = getCallerIdentityOutput({}, { provider }).accountId;
  const context = { stack: pulumi.getStack(), region: config.region, accountId, options };
  return {
    cloud: 'aws',
    modelStore: (name, args) => new AwsModelStore(name, { ...args, region: config.region, options }, opts),
    httpFunction: (name, args) => new AwsHttpFunction(name, { ...context, ...args }, opts),
    objectFunctions: (name, args) => new AwsObjectFunctions(name, { ...context, ...args }, opts),
    scheduledFunction: (name, args) => new AwsScheduledFunction(name, { ...context, ...args }, opts),
    monitoring: (name, args) =>
      new AwsMonitoring(
        name,
        { ...args, region: config.region, alarmActions: options.alarmActions ?? [] },
        opts,
      ),
  };
}
