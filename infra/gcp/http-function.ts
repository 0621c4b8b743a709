import * as pulumi from '@pulumi/pulumi';
import * as cloudrunv2 from '@pulumi/gcp/cloudrunv2';
import { childName, componentType } from '../components';
import type { DeployedFunction, HttpFunction, HttpFunctionArgs } from '../platform';
import { GcpFunction, type GcpFunctionArgs } from './function';
import type { GcpModelStore } from './model-store';

export const RUN_INVOKER = 'roles/run.invoker';

export type GcpHttpFunctionArgs = HttpFunctionArgs<GcpModelStore> &
  Omit<GcpFunctionArgs, keyof HttpFunctionArgs<GcpModelStore>>;

/** Grants the right to call a 2nd-gen function: run.invoker on its Cloud Run service (which has the function's name). */
export const invoker = (
  parent: pulumi.Resource,
  name: string,
  fn: GcpFunction,
  args: { project: string; region: string },
  member: pulumi.Input<string>,
) =>
  new cloudrunv2.ServiceIamMember(
    name,
    { project: args.project, location: args.region, name: fn.function.name, role: RUN_INVOKER, member },
    { parent },
  );

/** The API: an HTTP function callable only by the named members, or by everyone when the stack says `public`. */
export class GcpHttpFunction extends pulumi.ComponentResource implements HttpFunction {
  readonly url: pulumi.Output<string>;
  readonly deployed: DeployedFunction;

  constructor(name: string, args: GcpHttpFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('gcp', 'HttpFunction'), name, {}, opts);
    const fn = new GcpFunction(childName(name, 'function'), args, { parent: this });
    const members = args.auth === 'public' ? ['allUsers'] : args.invokers;
    members.forEach((member, i) => invoker(this, childName(name, `invoker-${i}`), fn, args, member));
    this.url = fn.function.url;
    this.deployed = fn.deployed;
    this.registerOutputs({ url: this.url });
  }
}
