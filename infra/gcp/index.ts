import * as pulumi from '@pulumi/pulumi';
import { Provider } from '@pulumi/gcp/provider';
import type { StackConfig } from '../config';
import type { Platform } from '../platform';
import { GcpHttpFunction } from './http-function';
import { GcpModelStore } from './model-store';
import { GcpMonitoring } from './monitoring';
import { GcpObjectFunctions } from './object-functions';
import type { GcpOptions } from './options';
import { GcpScheduledFunction } from './scheduled-function';

export type { GcpOptions };

/** GCP: Cloud Storage, Cloud Run functions, Eventarc, Cloud Scheduler, Cloud Logging and Monitoring. */
export function gcpPlatform(config: StackConfig, options: GcpOptions = {}): Platform<GcpModelStore> {
  const project = config.project;
  if (!project) throw new Error('gcp needs the project key');
  const provider = new Provider('gcp', { project, region: config.region });
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
  const context = { stack: pulumi.getStack(), project, region: config.region, options };
  return {
    cloud: 'gcp',
    modelStore: (name, args) =>
      new GcpModelStore(name, { ...args, project, region: config.region, options }, opts),
    httpFunction: (name, args) => new GcpHttpFunction(name, { ...context, ...args }, opts),
    objectFunctions: (name, args) => new GcpObjectFunctions(name, { ...context, ...args }, opts),
    scheduledFunction: (name, args) => new GcpScheduledFunction(name, { ...context, ...args }, opts),
    monitoring: (name, args) =>
      new GcpMonitoring(
        name,
        { ...args, project, stack: context.stack, notificationChannels: options.notificationChannels ?? [] },
        opts,
      ),
  };
}
