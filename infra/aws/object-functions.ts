import * as pulumi from '@pulumi/pulumi';
import * as lambda from '@pulumi/aws/lambda';
import * as s3 from '@pulumi/aws/s3';
import { childName, componentType } from '../components';
import type { DeployedFunction, FunctionArgs, ObjectFunctions, ObjectFunctionsArgs } from '../platform';
import { AwsFunction, type AwsFunctionArgs } from './function';
import type { AwsModelStore } from './model-store';

type Extra = Omit<AwsFunctionArgs, keyof FunctionArgs<AwsModelStore>>;

/**
 * The functions started by new objects. S3 keeps one notification configuration per bucket, so
 * every object-created trigger is declared here, together, in one BucketNotification.
 */
export class AwsObjectFunctions extends pulumi.ComponentResource implements ObjectFunctions {
  readonly deployed: DeployedFunction[];

  constructor(
    name: string,
    args: ObjectFunctionsArgs<AwsModelStore> & Extra,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('aws', 'ObjectFunctions'), name, {}, opts);
    const { store } = args;
    const wired = args.functions.map((fnArgs) => {
      const trigger = fnArgs.spec.trigger;
      if (trigger.kind !== 'object-created')
        throw new Error(`${fnArgs.spec.role} is not started by new objects`);
      const fn = new AwsFunction(childName(name, fnArgs.spec.role), { ...args, ...fnArgs }, { parent: this });
      const permission = new lambda.Permission(
        childName(name, `${fnArgs.spec.role}-from-s3`),
        {
          function: fn.function.name,
          qualifier: fn.qualifier,
          action: 'lambda:InvokeFunction',
          principal: 's3.amazonaws.com',
          sourceArn: store.bucket.arn,
          sourceAccount: args.accountId,
        },
        { parent: this },
      );
      return { fn, permission, prefix: trigger.prefix };
    });
    new s3.BucketNotification(
      childName(name, 'notification'),
      {
        bucket: store.bucket.id,
        lambdaFunctions: wired.map(({ fn, prefix }) => ({
          lambdaFunctionArn: fn.invokeArn,
          events: ['s3:ObjectCreated:*'],
          filterPrefix: prefix,
        })),
      },
      // S3 tests each target when the configuration is written: the permissions must exist first.
      { parent: this, dependsOn: wired.map((w) => w.permission) },
    );
    this.deployed = wired.map((w) => w.fn.deployed);
    this.registerOutputs({ functions: this.deployed.map((d) => d.functionName) });
  }
}
