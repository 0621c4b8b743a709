import * as pulumi from '@pulumi/pulumi';
import * as cloudscheduler from '@pulumi/gcp/cloudscheduler';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import { childName, componentType } from '../components';
import { physicalName } from '../naming';
import type { DeployedFunction, ScheduledFunction } from '../platform';
import { scheduleExpressions } from '../spec';
import { GcpFunction, type GcpFunctionArgs } from './function';
import { invoker } from './http-function';

/** The jobs function called by Cloud Scheduler with an OIDC token of the scheduler's own account. */
export class GcpScheduledFunction extends pulumi.ComponentResource implements ScheduledFunction {
  readonly deployed: DeployedFunction;
  readonly schedule: pulumi.Output<string>;

  constructor(name: string, args: GcpFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('gcp', 'ScheduledFunction'), name, {}, opts);
    const trigger = args.spec.trigger;
    if (trigger.kind !== 'schedule') throw new Error(`${args.spec.role} is not started by a schedule`);
    const fn = new GcpFunction(childName(name, 'function'), args, { parent: this });
    const caller = new serviceaccount.Account(
      childName(name, 'scheduler-identity'),
      {
        project: args.project,
        accountId: physicalName('gcpServiceAccount', ['hs', args.stack, 'scheduler']),
        displayName: `hscode job scheduler (${args.stack})`,
      },
      { parent: this },
    );
    const canInvoke = invoker(
      this,
      childName(name, 'scheduler-invoker'),
      fn,
      args,
      pulumi.interpolate`serviceAccount:${caller.email}`,
    );
    const job = new cloudscheduler.Job(
      childName(name, 'schedule'),
      {
        project: args.project,
        region: args.region,
        schedule: scheduleExpressions(trigger.everyMinutes).gcp,
        timeZone: 'Etc/UTC',
        attemptDeadline: `${Math.min(args.spec.sla.timeoutSeconds, 1800)}s`,
        retryConfig: { retryCount: 0 },
        httpTarget: {
          uri: fn.function.url,
          httpMethod: 'POST',
          oidcToken: { serviceAccountEmail: caller.email, audience: fn.function.url },
        },
      },
      { parent: this, dependsOn: [canInvoke] },
    );
    this.deployed = fn.deployed;
    this.schedule = job.schedule.apply((s) => s ?? '');
    this.registerOutputs({ schedule: this.schedule });
  }
}
