import * as pulumi from '@pulumi/pulumi';
import * as projects from '@pulumi/gcp/projects';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import { getProjectServiceAccountOutput } from '@pulumi/gcp/storage/getProjectServiceAccount';
import { childName, componentType } from '../components';
import { physicalName } from '../naming';
import type { DeployedFunction, FunctionArgs, ObjectFunctions, ObjectFunctionsArgs } from '../platform';
import { GcpFunction, type GcpFunctionArgs } from './function';
import { invoker } from './http-function';
import type { GcpModelStore } from './model-store';

export const STORAGE_FINALIZED = 'google.cloud.storage.object.v1.finalized';

type Extra = Omit<GcpFunctionArgs, keyof FunctionArgs<GcpModelStore> | 'eventTrigger'>;

/**
 * Functions started by new objects, through Eventarc storage triggers. A finalize trigger fires for
 * every object in the bucket: Eventarc cannot filter by prefix, so each function's entry module
 * ignores objects outside its prefix (data/incoming/, batch/in/). The Cloud Storage service agent
 * publishes the events (pubsub.publisher); the trigger's own account receives them and calls the
 * functions (eventarc.eventReceiver, run.invoker on each).
 */
export class GcpObjectFunctions extends pulumi.ComponentResource implements ObjectFunctions {
  readonly deployed: DeployedFunction[];

  constructor(
    name: string,
    args: ObjectFunctionsArgs<GcpModelStore> & Extra,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('gcp', 'ObjectFunctions'), name, {}, opts);
    const parent = { parent: this };
    const gcsAgent = getProjectServiceAccountOutput({ project: args.project }, parent);
    const publisher = new projects.IAMMember(
      childName(name, 'gcs-publisher'),
      {
        project: args.project,
        role: 'roles/pubsub.publisher',
        member: pulumi.interpolate`serviceAccount:${gcsAgent.emailAddress}`,
      },
      parent,
    );
    const triggerAccount = new serviceaccount.Account(
      childName(name, 'trigger-identity'),
      {
        project: args.project,
        accountId: physicalName('gcpServiceAccount', ['hs', args.stack, 'trigger']),
        displayName: `hscode storage triggers (${args.stack})`,
      },
      parent,
    );
    const triggerMember = pulumi.interpolate`serviceAccount:${triggerAccount.email}`;
    const receiver = new projects.IAMMember(
      childName(name, 'event-receiver'),
      { project: args.project, role: 'roles/eventarc.eventReceiver', member: triggerMember },
      parent,
    );
    this.deployed = args.functions.map((fnArgs) => {
      const trigger = fnArgs.spec.trigger;
      if (trigger.kind !== 'object-created')
        throw new Error(`${fnArgs.spec.role} is not started by new objects`);
      const fn = new GcpFunction(
        childName(name, fnArgs.spec.role),
        {
          ...args,
          ...fnArgs,
          eventTrigger: {
            triggerRegion: args.region,
            eventType: STORAGE_FINALIZED,
            eventFilters: [{ attribute: 'bucket', value: args.store.bucket.name }],
            serviceAccountEmail: triggerAccount.email,
            // A failed run is not retried: the object stays and the retrain job's claim makes a re-upload safe.
            retryPolicy: 'RETRY_POLICY_DO_NOT_RETRY',
          },
        },
        { parent: this, dependsOn: [publisher, receiver] },
      );
      invoker(this, childName(name, `${fnArgs.spec.role}-invoker`), fn, args, triggerMember);
      return fn.deployed;
    });
    this.registerOutputs({ functions: this.deployed.map((d) => d.functionName) });
  }
}
