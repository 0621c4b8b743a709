import type { Cloud } from '../../infra/config';
import type { Plan, PlannedResource } from '../../infra/plan';
import { stackFileValues } from '../../infra/stack-file';
import { workspace } from '../../infra/test-fixtures';
import { projectFile } from '../../models/paths';

/**
 * Deliberate breakages of the example stacks, each owned by exactly one policy: the policy test and
 * the policy benchmark apply the same ones.
 */

export const EXAMPLE_STACKS: Array<[string, Cloud]> = [
  ['aws-dev', 'aws'],
  ['gcp-dev', 'gcp'],
  ['azure-dev', 'azure'],
];

/** A breakage: which resource to change, how, and the one policy that must report it. */
export interface Mutation {
  what: string;
  type: string;
  change: (props: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  policy: string;
}

const AZURE_OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

export const MUTATIONS: Record<Cloud, Mutation[]> = {
  aws: [
    {
      what: 'a public bucket',
      type: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
      change: (p) => void (p.blockPublicPolicy = false),
      policy: 'storage-not-public',
    },
    {
      what: 'a wildcard permission',
      type: 'aws:iam/rolePolicy:RolePolicy',
      change: (p) => {
        const document = JSON.parse(p.policy);
        document.Statement[0].Action = 's3:*';
        p.policy = JSON.stringify(document);
      },
      policy: 'no-wildcard-permissions',
    },
    {
      what: 'a missing model pin',
      type: 'aws:lambda/function:Function',
      change: (p) => delete p.environment.variables.HSCODE_MODEL_SHA256,
      policy: 'model-pinned',
    },
    {
      what: 'a manifest without a seed',
      type: 'aws:s3/bucketObjectv2:BucketObjectv2',
      change: (p) => p.metadata?.hscode_kind === 'model-manifest' && delete p.metadata.seed,
      policy: 'manifest-lineage',
    },
    {
      what: 'a short log retention',
      type: 'aws:cloudwatch/logGroup:LogGroup',
      change: (p) => void (p.retentionInDays = 7),
      policy: 'log-retention',
    },
  ],
  gcp: [
    {
      what: 'a public bucket',
      type: 'gcp:storage/bucket:Bucket',
      change: (p) => void (p.publicAccessPrevention = 'inherited'),
      policy: 'storage-not-public',
    },
    {
      what: 'a missing model pin',
      type: 'gcp:cloudfunctionsv2/function:Function',
      change: (p) => delete p.serviceConfig.environmentVariables.HSCODE_MODEL_SHA256,
      policy: 'model-pinned',
    },
    {
      what: 'a manifest without a seed',
      type: 'gcp:storage/bucketObject:BucketObject',
      change: (p) => p.metadata?.hscode_kind === 'model-manifest' && delete p.metadata.seed,
      policy: 'manifest-lineage',
    },
    {
      what: 'a short log retention',
      type: 'gcp:logging/projectBucketConfig:ProjectBucketConfig',
      change: (p) => void (p.retentionDays = 7),
      policy: 'log-retention',
    },
  ],
  azure: [
    {
      what: 'a public storage account',
      type: 'azure-native:storage:StorageAccount',
      change: (p) => void (p.allowBlobPublicAccess = true),
      policy: 'storage-not-public',
    },
    {
      what: 'a wildcard permission (Owner)',
      type: 'azure-native:authorization:RoleAssignment',
      change: (p) =>
        void (p.roleDefinitionId = `/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/${AZURE_OWNER}`),
      policy: 'no-wildcard-permissions',
    },
    {
      what: 'a missing model pin',
      type: 'azure-native:web:WebApp',
      change: (p) => {
        p.siteConfig.appSettings = p.siteConfig.appSettings.filter(
          (s: { name: string }) => s.name !== 'HSCODE_MODEL_SHA256',
        );
      },
      policy: 'model-pinned',
    },
    {
      what: 'a manifest without a seed',
      type: 'azure-native:storage:Blob',
      change: (p) => p.metadata?.hscode_kind === 'model-manifest' && delete p.metadata.seed,
      policy: 'manifest-lineage',
    },
    {
      what: 'a short log retention',
      type: 'azure-native:operationalinsights:Workspace',
      change: (p) => void (p.retentionInDays = 7),
      policy: 'log-retention',
    },
  ],
};

/** Plain objects and arrays copied, anything else (assets, unknowns) shared: enough to mutate props. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const copied = (value: unknown): any =>
  Array.isArray(value)
    ? value.map(copied)
    : value && Object.getPrototypeOf(value) === Object.prototype
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copied(v)]))
      : value;

/** The plan with one mutation applied to every resource of its type (the plan itself untouched). */
export function mutatedPlan(plan: Plan, mutation: Mutation): PlannedResource[] {
  const resources = plan.resources.map((r) => ({ ...r, props: copied(r.props) })) as PlannedResource[];
  for (const resource of resources) if (resource.type === mutation.type) mutation.change(resource.props);
  return resources;
}

/** An example stack's config, pointed at fixture bundles and a fixture model artifact. */
export function exampleStackValues(stack: string, cloud: Cloud): Record<string, string> {
  const ws = workspace(cloud);
  const values = stackFileValues(projectFile(`Pulumi.${stack}.yaml`));
  values['hscode-mlops:bundleDir'] = ws.bundleDir;
  values['hscode-mlops:model'] = JSON.stringify({
    ...JSON.parse(values['hscode-mlops:model'] ?? '{}'),
    artifact: ws.artifactDir,
  });
  return values;
}
