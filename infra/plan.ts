import * as pulumi from '@pulumi/pulumi';
import type { MockCallArgs, MockResourceArgs } from '@pulumi/pulumi/runtime/mocks';
import * as settings from '@pulumi/pulumi/runtime/settings';
import { runStack } from './stack';

/**
 * Runs the program for a stack config under Pulumi's mocks (no CLI, no cloud) and returns every
 * resource it registered: what tests assert on and what the policy pack is run over offline.
 * The program runs at import, in module state Pulumi keeps per process: plan one stack per
 * process (or per jest module registry).
 */

export interface PlannedResource {
  type: string;
  name: string;
  urn: string;
  /** The id the mocks gave it: what other resources' inputs refer to it by (e.g. `bucket: b.id`). */
  id?: string;
  /** The inputs the program gave, as the engine would see them in a preview. */
  props: Record<string, unknown>;
  parent?: string;
  /** The provider reference (`<urn>::<id>`), for custom resources. */
  provider?: string;
  /** The resource options the engine would act on. */
  opts: { ignoreChanges: string[]; retainOnDelete: boolean; protect: boolean; dependsOn: string[] };
}

export interface Plan {
  resources: PlannedResource[];
  /** Invoke tokens the program called. */
  invokes: string[];
  /** The stack's outputs, every Output resolved. */
  outputs: Record<string, unknown>;
}

/** The program failed; `resourcesDeclared` says how far it got (0: it failed before declaring anything). */
export class PlanFailedError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly resourcesDeclared: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'PlanFailedError';
  }
}

export const MOCK_ACCOUNT = '123456789012';
export const MOCK_GCP_PROJECT_NUMBER = '123456789';
const MOCK_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** The invokes the program may call, with plausible answers; anything else is a mistake. */
const INVOKES: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    accountId: MOCK_ACCOUNT,
    arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/deployer`,
    userId: 'AIDAEXAMPLE',
    id: MOCK_ACCOUNT,
  }),
  'gcp:storage/getProjectServiceAccount:getProjectServiceAccount': (inputs) => ({
    emailAddress: `service-${MOCK_GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`,
    project: inputs.project,
    id: `service-${MOCK_GCP_PROJECT_NUMBER}`,
  }),
};

/** Provider outputs the program reads, fabricated per resource type. */
function fabricate(args: MockResourceArgs, region: string): Record<string, unknown> {
  const i = args.inputs as Record<string, unknown>;
  const n = args.name;
  switch (args.type) {
    case 'aws:s3/bucket:Bucket':
      return { bucket: `${n}-0a1b2c3`, arn: `arn:aws:s3:::${n}-0a1b2c3` };
    case 'aws:s3/bucketObjectv2:BucketObjectv2':
      return { versionId: `v-${n}` };
    case 'aws:iam/role:Role':
      return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${n}`, name: n };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT}:log-group:${String(i.name)}` };
    case 'aws:lambda/function:Function':
      return { arn: `arn:aws:lambda:${region}:${MOCK_ACCOUNT}:function:${String(i.name)}`, version: '1' };
    case 'aws:lambda/alias:Alias':
      return {
        arn: `arn:aws:lambda:${region}:${MOCK_ACCOUNT}:function:${String(i.functionName)}:${String(i.name)}`,
      };
    case 'aws:lambda/functionUrl:FunctionUrl':
      return { functionUrl: `https://${n}.lambda-url.${region}.on.aws/` };
    case 'aws:cloudwatch/metricAlarm:MetricAlarm':
      return { name: n };
    case 'gcp:storage/bucket:Bucket':
      return { name: `${n}-0a1b2c3`, url: `gs://${n}-0a1b2c3` };
    case 'gcp:storage/bucketObject:BucketObject':
      return { generation: 1 };
    case 'gcp:serviceaccount/account:Account':
      return { email: `${String(i.accountId)}@${String(i.project)}.iam.gserviceaccount.com` };
    case 'gcp:cloudfunctionsv2/function:Function':
      return { url: `https://${String(i.name)}-${MOCK_GCP_PROJECT_NUMBER}.${region}.run.app` };
    case 'gcp:logging/projectBucketConfig:ProjectBucketConfig':
      return { id: `projects/${String(i.project)}/locations/global/buckets/${String(i.bucketId)}` };
    case 'gcp:monitoring/alertPolicy:AlertPolicy':
      return { name: `projects/${String(i.project)}/alertPolicies/${n}` };
    case 'azure-native:storage:StorageAccount':
      return {
        name: i.accountName,
        primaryEndpoints: { blob: `https://${String(i.accountName)}.blob.core.windows.net/` },
      };
    case 'azure-native:web:WebApp':
      return {
        name: i.name,
        defaultHostName: `${String(i.name)}.azurewebsites.net`,
        identity: { type: 'SystemAssigned', principalId: `principal-${n}` },
      };
    case 'azure-native:applicationinsights:Component':
      return {
        connectionString: `InstrumentationKey=${n};IngestionEndpoint=https://example.applicationinsights.azure.com/`,
      };
    case 'azure-native:storage:BlobContainer':
      return { name: i.containerName };
    default:
      // Azure resources are addressed by name: echo it back as the provider would.
      return args.type.startsWith('azure-native:') ? { name: n } : {};
  }
}

const azureId = (args: MockResourceArgs) =>
  `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg/providers/${args.type.replace(/^azure-native:/, '')}/${args.name}`;

/** Awaits a value whose leaves may be Outputs or promises, to plain data. */
async function settle(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return settle(await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)));
  }
  if (value instanceof Promise) return settle(await value);
  if (Array.isArray(value)) return Promise.all(value.map(settle));
  if (value && typeof value === 'object' && !(value instanceof pulumi.asset.Asset)) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await settle(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getIgnorechangesList(): string[];
  getRetainondelete(): boolean;
  getProtect(): boolean;
  getDependenciesList(): string[];
}
interface Monitor {
  registerResource(
    req: MonitorRequest,
    callback: (err: unknown, resp: { getUrn(): string } | undefined) => void,
  ): Promise<void>;
}

/**
 * Plans `run` (which declares the stack's resources and returns its outputs) for `config`, a map
 * of full keys (`<project>:<key>`) to values as Pulumi stores them.
 */
export async function planProgram(
  config: Record<string, string>,
  run: () => unknown,
  options: { project?: string; stack?: string; preview?: boolean; region?: string } = {},
): Promise<Plan> {
  const project = options.project ?? 'hscode-mlops';
  const stack = options.stack ?? 'plan';
  const region = options.region ?? 'us-east-1';
  const inputs = new Map<string, Record<string, unknown>>();
  const ids = new Map<string, string>();
  const registered: Array<Omit<PlannedResource, 'props'>> = [];
  const invokes: string[] = [];

  await pulumi.runtime.setMocks(
    {
      newResource(args: MockResourceArgs) {
        const key = `${args.type}::${args.name}`;
        if (inputs.has(key)) throw new Error(`two resources of type ${args.type} are named ${args.name}`);
        inputs.set(key, args.inputs as Record<string, unknown>);
        const id = args.type.startsWith('azure-native:') ? azureId(args) : `${args.name}-id`;
        ids.set(key, id);
        return { id, state: { ...args.inputs, ...fabricate(args, region), id } };
      },
      call(args: MockCallArgs) {
        const answer = INVOKES[args.token];
        if (!answer)
          throw new Error(
            `unexpected invoke ${args.token}: add it to the plan's mocks with a realistic answer`,
          );
        invokes.push(args.token);
        return answer(args.inputs as Record<string, unknown>);
      },
    },
    project,
    stack,
    options.preview ?? false,
  );
  const monitor = settings.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        registered.push({
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          parent: req.getParent() || undefined,
          provider: req.getProvider() || undefined,
          opts: {
            ignoreChanges: req.getIgnorechangesList(),
            retainOnDelete: Boolean(req.getRetainondelete()),
            protect: Boolean(req.getProtect()),
            dependsOn: req.getDependenciesList(),
          },
        });
      }
      callback(err, resp);
    });
  pulumi.runtime.setAllConfig(config);

  let outputs: Record<string, unknown>;
  try {
    outputs = (await settle(run())) as Record<string, unknown>;
  } catch (err) {
    throw new PlanFailedError(err, registered.length);
  }
  // Resources no output depends on may still be registering: wait until the queue is empty.
  const waitForRPCs = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (waitForRPCs) await waitForRPCs();
  const resources = registered.map((r) => {
    const key = `${r.type}::${r.name}`;
    const id = ids.get(key);
    return { ...r, ...(id === undefined ? {} : { id }), props: inputs.get(key) ?? {} };
  });
  return { resources, invokes, outputs };
}

/** Plans this project's program (infra/stack.ts) for a stack config. */
export const planStack = (config: Record<string, string>, options?: Parameters<typeof planProgram>[2]) =>
  planProgram(config, runStack, options);
