import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as lambda from '@pulumi/aws/lambda';
import { FUNCTION_ENV } from '../../models/deployment';
import { childName, componentType } from '../components';
import { physicalName } from '../naming';
import type { DeployedFunction, FunctionArgs } from '../platform';
import type { AwsModelStore } from './model-store';
import type { AwsOptions } from './options';
import { functionPolicy, trustPolicy } from './permissions';

/** X-Ray has no resource-level permissions: its managed write policy is the only way to trace. */
export const XRAY_WRITE_POLICY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
export const NODE_RUNTIME = 'nodejs20.x';
const LAMBDA_ARCH = { x64: 'x86_64', arm64: 'arm64' } as const;

/** Lambda's CodeSha256 is the base64 of the zip's sha256, which sourceCodeHash is compared with. */
export const lambdaCodeHash = (sha256Hex: string) => Buffer.from(sha256Hex, 'hex').toString('base64');

export interface AwsFunctionArgs extends FunctionArgs<AwsModelStore> {
  stack: string;
  region: string;
  accountId: pulumi.Output<string>;
  options: AwsOptions;
}

/**
 * One Lambda function with everything it needs: its log group (created first, with retention,
 * or Lambda makes one that never expires), a role holding exactly its row of the permission table,
 * and, with warm instances, a published alias with provisioned concurrency.
 */
export class AwsFunction extends pulumi.ComponentResource {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly policy: iam.RolePolicy;
  /** What invokers and triggers target: the alias when there are warm instances. */
  readonly qualifier: pulumi.Output<string> | undefined;
  readonly invokeArn: pulumi.Output<string>;
  readonly deployed: DeployedFunction;

  constructor(name: string, args: AwsFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('aws', 'Function'), name, {}, opts);
    const parent = { parent: this };
    const { spec, tags } = args;
    const functionName = physicalName('awsLambda', ['hscode', args.stack, spec.role]);

    const logGroup = new cloudwatch.LogGroup(
      childName(name, 'logs'),
      { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays, tags },
      parent,
    );
    this.role = new iam.Role(
      childName(name, 'role'),
      {
        assumeRolePolicy: args.accountId.apply((id) =>
          JSON.stringify(trustPolicy('lambda.amazonaws.com', id)),
        ),
        tags,
      },
      parent,
    );
    this.policy = new iam.RolePolicy(
      childName(name, 'store-access'),
      {
        role: this.role.id,
        policy: pulumi
          .all([args.store.bucket.arn, logGroup.arn])
          .apply(([bucketArn, logArn]) => JSON.stringify(functionPolicy(bucketArn, logArn, spec.access))),
      },
      parent,
    );
    const tracing = new iam.RolePolicyAttachment(
      childName(name, 'tracing'),
      { role: this.role.name, policyArn: XRAY_WRITE_POLICY },
      parent,
    );

    const codeObject = args.store.codeObjects[spec.bundle];
    const warm = spec.sla.warmInstances > 0;
    this.function = new lambda.Function(
      childName(name, 'lambda'),
      {
        name: functionName,
        role: this.role.arn,
        runtime: NODE_RUNTIME,
        handler: args.handler,
        architectures: [LAMBDA_ARCH[args.code.bundle.arch]],
        s3Bucket: codeObject.bucket,
        s3Key: codeObject.key,
        s3ObjectVersion: codeObject.versionId,
        sourceCodeHash: lambdaCodeHash(args.code.bundle.sha256),
        memorySize: spec.sla.memoryMb,
        timeout: spec.sla.timeoutSeconds,
        reservedConcurrentExecutions: spec.sla.maxInstances,
        publish: warm,
        tracingConfig: { mode: 'Active' },
        loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
        environment: { variables: { ...args.environment, [FUNCTION_ENV.store]: args.store.storeUrl } },
        tags,
        ...args.options.lambda?.[spec.role],
      },
      // The policy first: a function that starts before it can read the store fails its first calls.
      { parent: this, dependsOn: [this.policy, tracing] },
    );

    if (warm) {
      const alias = new lambda.Alias(
        childName(name, 'live'),
        { name: 'live', functionName: this.function.name, functionVersion: this.function.version },
        parent,
      );
      new lambda.ProvisionedConcurrencyConfig(
        childName(name, 'warm'),
        {
          functionName: this.function.name,
          qualifier: alias.name,
          provisionedConcurrentExecutions: spec.sla.warmInstances,
        },
        parent,
      );
      this.qualifier = alias.name;
      this.invokeArn = alias.arn;
    } else {
      this.qualifier = undefined;
      this.invokeArn = this.function.arn;
    }

    this.deployed = {
      role: spec.role,
      functionName: this.function.name,
      functionId: this.function.arn,
      metricsScope: this.function.name,
      bundleSha256: args.code.bundle.sha256,
      logsUrl: pulumi.interpolate`https://${args.region}.console.aws.amazon.com/cloudwatch/home?region=${args.region}#logsV2:log-groups/log-group/${logGroup.name.apply(encodeURIComponent)}`,
    };
    this.registerOutputs({ functionName: this.function.name, functionArn: this.function.arn });
  }
}
