import * as pulumi from '@pulumi/pulumi';
import * as cloudfunctionsv2 from '@pulumi/gcp/cloudfunctionsv2';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as storage from '@pulumi/gcp/storage';
import { FUNCTION_ENV } from '../../models/deployment';
import { childName, componentType } from '../components';
import { gcpLabels, physicalName } from '../naming';
import type { DeployedFunction, FunctionArgs } from '../platform';
import type { GcpModelStore } from './model-store';
import type { GcpOptions } from './options';
import { storageGrants } from './permissions';

export const NODE_RUNTIME = 'nodejs20';

export interface GcpFunctionArgs extends FunctionArgs<GcpModelStore> {
  stack: string;
  project: string;
  region: string;
  options: GcpOptions;
  /** Set for object-created functions: the Eventarc trigger's own arguments. */
  eventTrigger?: cloudfunctionsv2.FunctionArgs['eventTrigger'];
}

/**
 * One Cloud Run function (2nd gen): its own service account holding exactly its row of the
 * permission table on the bucket, code from `functions/<sha256>.zip` in the store, the SLA.
 */
export class GcpFunction extends pulumi.ComponentResource {
  readonly function: cloudfunctionsv2.Function;
  readonly serviceAccount: serviceaccount.Account;
  readonly deployed: DeployedFunction;

  constructor(name: string, args: GcpFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('gcp', 'Function'), name, {}, opts);
    const parent = { parent: this };
    const { spec } = args;
    const functionName = physicalName('gcpFunction', ['hscode', args.stack, spec.role]);

    this.serviceAccount = new serviceaccount.Account(
      childName(name, 'identity'),
      {
        project: args.project,
        accountId: physicalName('gcpServiceAccount', ['hs', args.stack, spec.role]),
        displayName: `hscode ${spec.role} function (${args.stack})`,
      },
      parent,
    );
    const member = pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`;
    // The grants' shape does not depend on the bucket's name, only their expressions do.
    const expressions = args.store.bucket.name.apply((bucket) =>
      storageGrants(bucket, spec.role, spec.access).map((g) => g.expression),
    );
    const grants = storageGrants('', spec.role, spec.access).map(
      (grant, i) =>
        new storage.BucketIAMMember(
          childName(name, `store-${grant.verb}`),
          {
            bucket: args.store.bucket.name,
            role: grant.role,
            member,
            condition: {
              title: grant.title,
              expression: expressions.apply((all) => all[i] ?? ''),
            },
          },
          parent,
        ),
    );

    const code = args.store.codeObjects[spec.bundle];
    this.function = new cloudfunctionsv2.Function(
      childName(name, 'function'),
      {
        project: args.project,
        location: args.region,
        name: functionName,
        labels: gcpLabels(args.tags),
        buildConfig: {
          runtime: NODE_RUNTIME,
          entryPoint: args.handler,
          source: { storageSource: { bucket: code.bucket, object: code.name, generation: code.generation } },
        },
        serviceConfig: {
          serviceAccountEmail: this.serviceAccount.email,
          availableMemory: `${spec.sla.memoryMb}Mi`,
          timeoutSeconds: spec.sla.timeoutSeconds,
          minInstanceCount: spec.sla.warmInstances,
          maxInstanceCount: spec.sla.maxInstances,
          maxInstanceRequestConcurrency: spec.sla.concurrency,
          // Concurrency above 1 needs at least one whole vCPU.
          ...(spec.sla.concurrency > 1 ? { availableCpu: '1' } : {}),
          ingressSettings: 'ALLOW_ALL',
          allTrafficOnLatestRevision: true,
          environmentVariables: { ...args.environment, [FUNCTION_ENV.store]: args.store.storeUrl },
        },
        eventTrigger: args.eventTrigger,
        ...args.options.function?.[spec.role],
      },
      { parent: this, dependsOn: grants },
    );
    this.deployed = {
      role: spec.role,
      functionName: this.function.name,
      functionId: this.function.id,
      metricsScope: this.function.name,
      bundleSha256: args.code.bundle.sha256,
      logsUrl: pulumi.interpolate`https://console.cloud.google.com/functions/details/${args.region}/${this.function.name}?project=${args.project}&tab=logs`,
    };
    this.registerOutputs({ functionName: this.function.name, url: this.function.url });
  }
}
