import * as pulumi from '@pulumi/pulumi';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import { childName, componentType } from '../components';
import type { DeployedFunction, ScheduledFunction } from '../platform';
import { scheduleExpressions } from '../spec';
import { AwsFunction, type AwsFunctionArgs } from './function';
import { trustPolicy } from './permissions';

/** The jobs function on an EventBridge Scheduler schedule, which calls it with a role of its own. */
export class AwsScheduledFunction extends pulumi.ComponentResource implements ScheduledFunction {
  readonly deployed: DeployedFunction;
  readonly schedule: pulumi.Output<string>;

  constructor(name: string, args: AwsFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('aws', 'ScheduledFunction'), name, {}, opts);
    const trigger = args.spec.trigger;
    if (trigger.kind !== 'schedule') throw new Error(`${args.spec.role} is not started by a schedule`);
    const fn = new AwsFunction(childName(name, 'function'), args, { parent: this });
    const role = new iam.Role(
      childName(name, 'scheduler-role'),
      {
        assumeRolePolicy: args.accountId.apply((id) =>
          JSON.stringify(trustPolicy('scheduler.amazonaws.com', id)),
        ),
        tags: args.tags,
      },
      { parent: this },
    );
    const invoke = new iam.RolePolicy(
      childName(name, 'scheduler-invoke'),
      {
        role: role.id,
        policy: fn.invokeArn.apply((arn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Sid: 'InvokeJobs', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [arn] },
            ],
          }),
        ),
      },
      { parent: this },
    );
    const expression = scheduleExpressions(trigger.everyMinutes).aws;
    const schedule = new scheduler.Schedule(
      childName(name, 'schedule'),
      {
        scheduleExpression: expression,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: fn.invokeArn,
          roleArn: role.arn,
          // A missed run is not retried: the next one, minutes later, decides on newer evidence.
          retryPolicy: { maximumRetryAttempts: 0 },
        },
      },
      { parent: this, dependsOn: [invoke] },
    );
    this.deployed = fn.deployed;
    this.schedule = schedule.scheduleExpression;
    this.registerOutputs({ schedule: this.schedule });
  }
}
