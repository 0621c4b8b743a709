import * as pulumi from '@pulumi/pulumi';
import * as lambda from '@pulumi/aws/lambda';
import { childName, componentType } from '../components';
import type { DeployedFunction, HttpFunction, HttpFunctionArgs } from '../platform';
import { AwsFunction, type AwsFunctionArgs } from './function';
import type { AwsModelStore } from './model-store';

export type AwsHttpFunctionArgs = HttpFunctionArgs<AwsModelStore> &
  Omit<AwsFunctionArgs, keyof HttpFunctionArgs<AwsModelStore>>;

/**
 * The API behind a Lambda function URL. With auth `iam` the URL checks SigV4 signatures and only
 * the named invokers may call it; `public` (only when the stack says so) opens it to everyone.
 */
export class AwsHttpFunction extends pulumi.ComponentResource implements HttpFunction {
  readonly url: pulumi.Output<string>;
  readonly deployed: DeployedFunction;

  constructor(name: string, args: AwsHttpFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('aws', 'HttpFunction'), name, {}, opts);
    const fn = new AwsFunction(childName(name, 'function'), args, { parent: this });
    const authorizationType = args.auth === 'public' ? 'NONE' : 'AWS_IAM';
    const functionUrl = new lambda.FunctionUrl(
      childName(name, 'url'),
      { functionName: fn.function.name, qualifier: fn.qualifier, authorizationType },
      { parent: this },
    );
    const grant = (id: string, principal: string, extra: Partial<lambda.PermissionArgs> = {}) =>
      new lambda.Permission(
        childName(name, id),
        {
          function: fn.function.name,
          qualifier: fn.qualifier,
          action: 'lambda:InvokeFunctionUrl',
          principal,
          functionUrlAuthType: authorizationType,
          ...extra,
        },
        { parent: this },
      );
    if (args.auth === 'public') {
      grant('public-url', '*');
      // Since October 2025 a public URL also needs InvokeFunction, limited to calls through the URL.
      grant('public-invoke', '*', {
        action: 'lambda:InvokeFunction',
        functionUrlAuthType: undefined,
        invokedViaFunctionUrl: true,
      });
    } else {
      args.invokers.forEach((principal, i) => grant(`invoker-${i}`, principal));
    }
    this.url = functionUrl.functionUrl;
    this.deployed = fn.deployed;
    this.registerOutputs({ url: this.url });
  }
}
