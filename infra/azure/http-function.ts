import * as pulumi from '@pulumi/pulumi';
import { componentType, childName } from '../components';
import type { DeployedFunction, HttpFunction, HttpFunctionArgs } from '../platform';
import { AzureFunction, type AzureFunctionArgs } from './function';
import type { AzureModelStore } from './model-store';

export type AzureHttpFunctionArgs = HttpFunctionArgs<AzureModelStore> &
  Omit<AzureFunctionArgs, keyof HttpFunctionArgs<AzureModelStore>>;

/**
 * The API's function app. Who may call is decided in the function itself: with auth `iam` its
 * HTTP trigger requires a function key (HSCODE_AUTH tells the entry module), `public` is anonymous.
 */
export class AzureHttpFunction extends pulumi.ComponentResource implements HttpFunction {
  readonly url: pulumi.Output<string>;
  readonly deployed: DeployedFunction;

  constructor(name: string, args: AzureHttpFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('azure', 'HttpFunction'), name, {}, opts);
    const fn = new AzureFunction(childName(name, 'function'), args, { parent: this });
    this.url = pulumi.interpolate`https://${fn.app.defaultHostName}`;
    this.deployed = fn.deployed;
    this.registerOutputs({ url: this.url });
  }
}
