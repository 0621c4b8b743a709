import * as pulumi from '@pulumi/pulumi';
import { Provider } from '@pulumi/azure-native/provider';
import type { BundleRole } from '../../models/deployment';
import type { Bundle } from '../bundles';
import type { StackConfig } from '../config';
import type { Platform } from '../platform';
import { AzureHttpFunction } from './http-function';
import { AzureModelStore } from './model-store';
import { AzureMonitoring } from './monitoring';
import { AzureObjectFunctions } from './object-functions';
import type { AzureOptions } from './options';
import { AzureScheduledFunction } from './scheduled-function';

export type { AzureOptions };

/** Azure: Storage, Functions on Flex Consumption, Event Grid, Application Insights and Log Analytics. */
export function azurePlatform(
  config: StackConfig,
  bundles: Record<BundleRole, Bundle>,
  options: AzureOptions = {},
): Platform<AzureModelStore> {
  const { subscription, resourceGroup } = config;
  if (!subscription || !resourceGroup) throw new Error('azure needs the subscription and resourceGroup keys');
  const provider = new Provider('azure-native', { subscriptionId: subscription, location: config.region });
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
  const stack = pulumi.getStack();
  const functionsOf = (bundle: BundleRole) =>
    Object.values(bundles[bundle].handlers).filter((h): h is string => !!h);
  const bundleFunctions = { predict: functionsOf('predict'), retrain: functionsOf('retrain') };
  const context = { stack, location: config.region, subscription, options, bundleFunctions };
  return {
    cloud: 'azure',
    modelStore: (name, args) =>
      new AzureModelStore(
        name,
        { ...args, resourceGroup, location: config.region, subscription, stack, options },
        opts,
      ),
    httpFunction: (name, args) => new AzureHttpFunction(name, { ...context, ...args }, opts),
    objectFunctions: (name, args) => new AzureObjectFunctions(name, { ...context, ...args }, opts),
    scheduledFunction: (name, args) => new AzureScheduledFunction(name, { ...context, ...args }, opts),
    monitoring: (name, args) =>
      new AzureMonitoring(
        name,
        { ...args, resourceGroup, location: config.region, actionGroups: options.actionGroups ?? [] },
        opts,
      ),
  };
}
