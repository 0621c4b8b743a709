import * as pulumi from '@pulumi/pulumi';
import { childName, componentType } from '../components';
import type { DeployedFunction, ScheduledFunction } from '../platform';
import { AZURE_SCHEDULE_SETTING, scheduleExpressions } from '../spec';
import { AzureFunction, type AzureFunctionArgs } from './function';

/**
 * The jobs function app. Its timer trigger lives in the code, reading the schedule from the
 * HSCODE_JOBS_SCHEDULE app setting, so the interval is still decided by JOB_SCHEDULE alone.
 */
export class AzureScheduledFunction extends pulumi.ComponentResource implements ScheduledFunction {
  readonly deployed: DeployedFunction;
  readonly schedule: pulumi.Output<string>;

  constructor(name: string, args: AzureFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('azure', 'ScheduledFunction'), name, {}, opts);
    const trigger = args.spec.trigger;
    if (trigger.kind !== 'schedule') throw new Error(`${args.spec.role} is not started by a schedule`);
    const expression = scheduleExpressions(trigger.everyMinutes).azure;
    const fn = new AzureFunction(
      childName(name, 'function'),
      { ...args, extraSettings: { [AZURE_SCHEDULE_SETTING]: expression } },
      { parent: this },
    );
    this.deployed = fn.deployed;
    this.schedule = pulumi.output(expression);
    this.registerOutputs({ schedule: this.schedule });
  }
}
