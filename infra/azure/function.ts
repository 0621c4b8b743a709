import * as pulumi from '@pulumi/pulumi';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights';
import * as authorization from '@pulumi/azure-native/authorization';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
import * as web from '@pulumi/azure-native/web';
import { FUNCTION_ENV, type BundleRole } from '../../models/deployment';
import { childName, componentType } from '../components';
import { physicalName } from '../naming';
import type { DeployedFunction, FunctionArgs } from '../platform';
import type { AzureModelStore } from './model-store';
import type { AzureOptions } from './options';
import { blobRoleAssignment, roleDefinitionId } from './permissions';

export const NODE_RUNTIME = { name: 'node', version: '20' } as const;

export interface AzureFunctionArgs extends FunctionArgs<AzureModelStore> {
  stack: string;
  location: string;
  subscription: string;
  options: AzureOptions;
  /** Every function name each bundle registers: in this app, the ones not its role are disabled. */
  bundleFunctions: Readonly<Record<BundleRole, readonly string[]>>;
  /** App settings only this kind of function needs (the timer's schedule). */
  extraSettings?: Record<string, pulumi.Input<string>>;
}

/** `hh:mm:ss`, the host's functionTimeout format. */
export const hostTimeout = (seconds: number) =>
  [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');

/**
 * One function app on its own Flex Consumption plan (a Flex plan hosts one app), with a
 * system-assigned identity that holds its row of the permission table on the store container,
 * read access to its deployment container and the host's containers, and its own Application
 * Insights over a Log Analytics workspace with the stack's retention.
 */
export class AzureFunction extends pulumi.ComponentResource {
  readonly app: web.WebApp;
  readonly insights: applicationinsights.Component;
  readonly deployed: DeployedFunction;

  constructor(name: string, args: AzureFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('azure', 'Function'), name, {}, opts);
    const parent = { parent: this };
    const { spec, store, tags } = args;
    const resourceGroupName = store.resourceGroupName;
    const appName = physicalName(
      'azureFunctionApp',
      ['hscode', args.stack, spec.role],
      `${args.subscription}/${resourceGroupName}`,
    );

    const workspace = new operationalinsights.Workspace(
      childName(name, 'logs'),
      {
        resourceGroupName,
        location: args.location,
        sku: { name: 'PerGB2018' },
        retentionInDays: args.logRetentionDays,
        tags,
      },
      parent,
    );
    this.insights = new applicationinsights.Component(
      childName(name, 'insights'),
      {
        resourceGroupName,
        location: args.location,
        kind: 'web',
        applicationType: 'web',
        ingestionMode: 'LogAnalytics',
        workspaceResourceId: workspace.id,
        tags,
      },
      parent,
    );
    const plan = new web.AppServicePlan(
      childName(name, 'plan'),
      {
        resourceGroupName,
        location: args.location,
        kind: 'functionapp',
        reserved: true,
        sku: { name: 'FC1', tier: 'FlexConsumption' },
        tags,
      },
      parent,
    );
    const deployment = store.deployments[spec.role];
    const warm = spec.sla.warmInstances;
    const settings: Record<string, pulumi.Input<string>> = {
      ...args.environment,
      [FUNCTION_ENV.store]: store.storeUrl,
      // The host's storage through the app's identity: no connection string, no key.
      AzureWebJobsStorage__accountName: store.account.name,
      APPLICATIONINSIGHTS_CONNECTION_STRING: this.insights.connectionString,
      AzureFunctionsJobHost__functionTimeout: hostTimeout(spec.sla.timeoutSeconds),
      ...Object.fromEntries(
        args.bundleFunctions[spec.bundle]
          .filter((f) => f !== args.handler)
          .map((f) => [`AzureWebJobs.${f}.Disabled`, 'true']),
      ),
      ...args.extraSettings,
    };
    this.app = new web.WebApp(
      childName(name, 'app'),
      {
        name: appName,
        resourceGroupName,
        location: args.location,
        kind: 'functionapp,linux',
        serverFarmId: plan.id,
        httpsOnly: true,
        identity: { type: 'SystemAssigned' },
        siteConfig: {
          minTlsVersion: '1.2',
          ftpsState: 'Disabled',
          appSettings: Object.entries(settings).map(([settingName, value]) => ({ name: settingName, value })),
        },
        functionAppConfig: {
          deployment: {
            storage: {
              type: 'blobContainer',
              value: deployment.containerUrl,
              authentication: { type: 'SystemAssignedIdentity' },
            },
          },
          runtime: NODE_RUNTIME,
          scaleAndConcurrency: {
            instanceMemoryMB: spec.sla.memoryMb,
            maximumInstanceCount: spec.sla.maxInstances,
            alwaysReady:
              warm > 0
                ? [
                    {
                      name: spec.trigger.kind === 'http' ? 'http' : `function:${args.handler}`,
                      instanceCount: warm,
                    },
                  ]
                : [],
            ...(spec.trigger.kind === 'http'
              ? { triggers: { http: { perInstanceConcurrency: spec.sla.concurrency } } }
              : {}),
          },
        },
        tags,
        ...args.options.functionApp?.[spec.role],
      },
      { parent: this, dependsOn: [deployment.package] },
    );

    const principalId = this.app.identity.apply((identity) => {
      if (!identity?.principalId) throw new Error(`${appName} has no system-assigned identity`);
      return identity.principalId;
    });
    const assign = (
      id: string,
      scope: pulumi.Input<string>,
      role: 'blobDataReader' | 'blobDataContributor',
      condition?: string,
    ) =>
      new authorization.RoleAssignment(
        childName(name, id),
        {
          scope,
          principalId,
          principalType: 'ServicePrincipal',
          roleDefinitionId: roleDefinitionId(args.subscription, role),
          ...(condition ? { condition, conditionVersion: '2.0' } : {}),
        },
        parent,
      );
    const storeRole = blobRoleAssignment(spec.access);
    assign('store-access', store.container.id, storeRole.role, storeRole.condition);
    assign('package-read', deployment.container.id, 'blobDataReader');
    store.hostContainers.forEach((c, i) => assign(`host-${i}`, c.id, 'blobDataContributor'));

    this.deployed = {
      role: spec.role,
      functionName: this.app.name,
      functionId: this.app.id,
      metricsScope: this.insights.id,
      bundleSha256: args.code.bundle.sha256,
      logsUrl: pulumi.interpolate`https://portal.azure.com/#@/resource${this.insights.id}/logs`,
    };
    this.registerOutputs({ appName: this.app.name, hostName: this.app.defaultHostName });
  }
}
