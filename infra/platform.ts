import type * as pulumi from '@pulumi/pulumi';
import type { AuthMode, BundleRole, FunctionRole } from '../models/deployment';
import type { Cloud, StackConfig } from './config';
import type { CodeObject, StoreObject } from './publication';
import type { FunctionSpec } from './spec';

/**
 * The narrow interface every cloud implements: only what this system deploys. Each method
 * returns a ComponentResource with typed outputs; each cloud's own options object is its escape
 * hatch. `S` is the cloud's store component, so a cloud reads its own store's fields without
 * casts and no cloud can be handed another's store.
 */

export interface ModelStoreArgs {
  /** The model's files, the registry seed and the registration requests. */
  objects: readonly StoreObject[];
  /** The function bundles, published by content where the cloud reads code from the store. */
  code: Readonly<Record<BundleRole, CodeObject>>;
  tags: Readonly<Record<string, string>>;
}

export interface ModelStore extends pulumi.ComponentResource {
  /** Bucket, or storage account and container. */
  readonly storeName: pulumi.Output<string>;
  /** The value of HSCODE_STORE (`s3://…`, `gs://…`, `https://<account>.blob.core.windows.net/<container>`). */
  readonly storeUrl: pulumi.Output<string>;
  readonly consoleUrl: pulumi.Output<string>;
}

/** What every function is built from, whatever starts it. */
export interface FunctionArgs<S extends ModelStore> {
  spec: FunctionSpec;
  store: S;
  code: CodeObject;
  /** The entry point the bundle's index names for this role. */
  handler: string;
  environment: Readonly<Record<string, string>>;
  tags: Readonly<Record<string, string>>;
  logRetentionDays: number;
}

/** A deployed function, as monitoring and outputs see it. */
export interface DeployedFunction {
  role: FunctionRole;
  functionName: pulumi.Output<string>;
  /** The cloud's id of the function (ARN, function resource name, function app id). */
  functionId: pulumi.Output<string>;
  /** Where its metrics live (the function itself, or Azure's Application Insights component). */
  metricsScope: pulumi.Output<string>;
  /** The bundle sha256 it runs. */
  bundleSha256: string;
  logsUrl: pulumi.Output<string>;
}

export interface HttpFunctionArgs<S extends ModelStore> extends FunctionArgs<S> {
  auth: AuthMode;
  /** Who may call when auth is `iam`. */
  invokers: readonly string[];
}

export interface HttpFunction extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;
  readonly deployed: DeployedFunction;
}

export interface ObjectFunctionsArgs<S extends ModelStore> {
  store: S;
  /** All functions started by new objects, together: some clouds keep one notification set per bucket. */
  functions: ReadonlyArray<FunctionArgs<S>>;
}

export interface ObjectFunctions extends pulumi.ComponentResource {
  readonly deployed: readonly DeployedFunction[];
}

export type ScheduledFunctionArgs<S extends ModelStore> = FunctionArgs<S>;

export interface ScheduledFunction extends pulumi.ComponentResource {
  readonly deployed: DeployedFunction;
  /** The schedule in the cloud's syntax. */
  readonly schedule: pulumi.Output<string>;
}

export interface MonitoringArgs {
  functions: readonly DeployedFunction[];
  alarms: StackConfig['alarms'];
  logRetentionDays: number;
  tags: Readonly<Record<string, string>>;
}

export interface Monitoring extends pulumi.ComponentResource {
  readonly logsUrl: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;
}

export interface Platform<S extends ModelStore = ModelStore> {
  readonly cloud: Cloud;
  modelStore(name: string, args: ModelStoreArgs): S;
  httpFunction(name: string, args: HttpFunctionArgs<S>): HttpFunction;
  objectFunctions(name: string, args: ObjectFunctionsArgs<S>): ObjectFunctions;
  scheduledFunction(name: string, args: ScheduledFunctionArgs<S>): ScheduledFunction;
  monitoring(name: string, args: MonitoringArgs): Monitoring;
}
