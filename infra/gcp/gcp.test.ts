import {
  FUNCTION_ENV,
  JOB_SCHEDULE,
  OBJECT_METADATA,
  TAG_KEYS,
  type FunctionRole,
} from '../../models/deployment';
import type { Plan } from '../plan';
import { ACCESS } from '../spec';
import {
  ofType,
  onlyOfType,
  planIsolated,
  stackConfig,
  typeCounts,
  unparentedOrMisnamed,
  workspace,
  TEST_TAGS,
  type Props,
  type Workspace,
} from '../test-fixtures';
import { STORAGE_FINALIZED } from './object-functions';

const STACK = 'gcp-test';
const REGION = 'europe-west1';
const BUCKET = 'store-bucket-0a1b2c3';
let ws: Workspace;
let plan: Plan;

const functionOf = (role: FunctionRole): Props => {
  const found = ofType(plan, 'gcp:cloudfunctionsv2/function:Function').find(
    (f) => f.props.name === `hscode-${STACK}-${role}`,
  );
  if (!found) throw new Error(`no function for ${role}`);
  return found.props;
};
const accountOf = (role: string) => `hs-${STACK}-${role}@hscode-test-1.iam.gserviceaccount.com`;

beforeAll(async () => {
  ws = workspace('gcp');
  plan = await planIsolated(stackConfig('gcp', ws), { region: REGION, stack: STACK });
});

test('declares exactly the expected resource graph', () => {
  expect(typeCounts(plan)).toEqual({
    'pulumi:providers:gcp': 1,
    'hscode:gcp:ModelStore': 1,
    'hscode:gcp:HttpFunction': 1,
    'hscode:gcp:ObjectFunctions': 1,
    'hscode:gcp:ScheduledFunction': 1,
    'hscode:gcp:Monitoring': 1,
    'hscode:gcp:Function': 4,
    'gcp:storage/bucket:Bucket': 1,
    'gcp:storage/bucketObject:BucketObject': 9,
    // One per function, the trigger's and the scheduler's.
    'gcp:serviceaccount/account:Account': 6,
    // read + write per function.
    'gcp:storage/bucketIAMMember:BucketIAMMember': 8,
    'gcp:projects/iAMMember:IAMMember': 2,
    'gcp:cloudfunctionsv2/function:Function': 4,
    // The API's invoker, the trigger's on retrain and batch, the scheduler's on jobs.
    'gcp:cloudrunv2/serviceIamMember:ServiceIamMember': 4,
    'gcp:cloudscheduler/job:Job': 1,
    'gcp:logging/projectBucketConfig:ProjectBucketConfig': 1,
    'gcp:logging/projectSink:ProjectSink': 1,
    'gcp:monitoring/alertPolicy:AlertPolicy': 8,
  });
  expect(unparentedOrMisnamed(plan)).toEqual([]);
  expect(plan.invokes).toEqual(['gcp:storage/getProjectServiceAccount:getProjectServiceAccount']);
});

test('the bucket has uniform access, enforced public access prevention and versioning', () => {
  expect(onlyOfType(plan, 'gcp:storage/bucket:Bucket').props).toMatchObject({
    location: 'EUROPE-WEST1',
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    versioning: { enabled: true },
  });
});

test('each function builds from its bundle object and pins the model', () => {
  for (const role of ['api', 'batch', 'retrain', 'jobs'] as const) {
    const fn = functionOf(role);
    const sha = role === 'retrain' ? ws.bundles.retrain.sha256 : ws.bundles.predict.sha256;
    expect(fn.buildConfig).toMatchObject({
      runtime: 'nodejs20',
      entryPoint: role,
      source: { storageSource: { bucket: BUCKET, object: `functions/${sha}.zip`, generation: 1 } },
    });
    expect(fn.serviceConfig).toMatchObject({
      serviceAccountEmail: accountOf(role),
      availableMemory: role === 'retrain' ? '4096Mi' : '2048Mi',
      minInstanceCount: 0,
      maxInstanceRequestConcurrency: 1,
    });
    expect(fn.serviceConfig.environmentVariables).toMatchObject({
      [FUNCTION_ENV.store]: `gs://${BUCKET}`,
      [FUNCTION_ENV.modelSha256]: ws.manifest.onnx.sha256,
      [FUNCTION_ENV.modelVersion]: ws.manifest.version,
    });
  }
  const code = ofType(plan, 'gcp:storage/bucketObject:BucketObject').filter((o) =>
    String(o.props.name).startsWith('functions/'),
  );
  for (const o of code)
    expect(o.props.metadata[OBJECT_METADATA.bundleSha256]).toBe(String(o.props.name).slice(10, 74));
});

test('each identity holds exactly its prefixes of the permission table, through IAM conditions', () => {
  const grants = ofType(plan, 'gcp:storage/bucketIAMMember:BucketIAMMember');
  const prefixesIn = (expression: string) =>
    [...expression.matchAll(new RegExp(`objects/([^']+)'`, 'g'))].map((m) => m[1]).sort();
  for (const role of ['api', 'batch', 'retrain', 'jobs'] as const) {
    const mine = grants.filter((g) => g.props.member === `serviceAccount:${accountOf(role)}`);
    const read = mine.find((g) => g.props.role === 'roles/storage.objectViewer');
    const write = mine.find((g) => g.props.role === 'roles/storage.objectUser');
    expect(prefixesIn(read?.props.condition.expression)).toEqual([...ACCESS[role].read].sort());
    expect(prefixesIn(write?.props.condition.expression)).toEqual([...ACCESS[role].write].sort());
    expect(mine).toHaveLength(2);
  }
  for (const g of grants) {
    expect(g.props.condition.expression).toContain(`projects/_/buckets/${BUCKET}/objects/`);
    expect(g.props.role).not.toMatch(/admin|owner|editor/i);
  }
});

test('the API is invokable by the named members only (run.invoker on its Cloud Run service, never allUsers)', () => {
  const invokers = ofType(plan, 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember');
  expect(invokers.every((i) => i.props.role === 'roles/run.invoker')).toBe(true);
  expect(invokers.map((i) => [i.props.name, i.props.member]).sort()).toEqual(
    [
      [`hscode-${STACK}-api`, 'group:analysts@example.com'],
      [`hscode-${STACK}-batch`, `serviceAccount:${accountOf('trigger')}`],
      [`hscode-${STACK}-retrain`, `serviceAccount:${accountOf('trigger')}`],
      [`hscode-${STACK}-jobs`, `serviceAccount:${accountOf('scheduler')}`],
    ].sort(),
  );
  expect(plan.resources.some((r) => r.props.member === 'allUsers')).toBe(false);
});

test('storage-finalize triggers start retrain and batch, with the service agents their roles', () => {
  for (const role of ['retrain', 'batch'] as const) {
    expect(functionOf(role).eventTrigger).toEqual({
      triggerRegion: REGION,
      eventType: STORAGE_FINALIZED,
      eventFilters: [{ attribute: 'bucket', value: BUCKET }],
      serviceAccountEmail: accountOf('trigger'),
      retryPolicy: 'RETRY_POLICY_DO_NOT_RETRY',
    });
  }
  expect(functionOf('api').eventTrigger).toBeUndefined();
  const projectRoles = ofType(plan, 'gcp:projects/iAMMember:IAMMember').map((m) => [
    m.props.role,
    m.props.member,
  ]);
  expect(projectRoles).toEqual([
    [
      'roles/pubsub.publisher',
      'serviceAccount:service-123456789@gs-project-accounts.iam.gserviceaccount.com',
    ],
    ['roles/eventarc.eventReceiver', `serviceAccount:${accountOf('trigger')}`],
  ]);
});

test('Cloud Scheduler calls the jobs function on the shared schedule with an OIDC token', () => {
  const job = onlyOfType(plan, 'gcp:cloudscheduler/job:Job').props;
  const url = `https://hscode-${STACK}-jobs-123456789.${REGION}.run.app`;
  expect(job.schedule).toBe(`*/${JOB_SCHEDULE.promoteEveryMinutes} * * * *`);
  expect(job.httpTarget).toEqual({
    uri: url,
    httpMethod: 'POST',
    oidcToken: { serviceAccountEmail: accountOf('scheduler'), audience: url },
  });
});

test('logs are kept for the configured days; alerts cover 5xx share and p99 latency of every function', () => {
  expect(onlyOfType(plan, 'gcp:logging/projectBucketConfig:ProjectBucketConfig').props.retentionDays).toBe(
    30,
  );
  expect(onlyOfType(plan, 'gcp:logging/projectSink:ProjectSink').props.filter).toContain(
    `"hscode-${STACK}-retrain"`,
  );
  const policies = ofType(plan, 'gcp:monitoring/alertPolicy:AlertPolicy').map(
    (p) => p.props.conditions[0].conditionThreshold,
  );
  expect(policies.filter((c) => c.filter.includes('response_code_class="5xx"'))).toHaveLength(4);
  expect(policies.filter((c) => c.aggregations[0].perSeriesAligner === 'ALIGN_PERCENTILE_99')).toHaveLength(
    4,
  );
});

test('labels carry the tags, with the model sha256 cut to 32 hex characters', () => {
  const expected = {
    [TAG_KEYS.owner]: TEST_TAGS.owner,
    [TAG_KEYS.costCentre]: 'cc-1234',
    [TAG_KEYS.dataClassification]: TEST_TAGS.dataClassification,
    [TAG_KEYS.modelVariant]: 'textcnn',
    [TAG_KEYS.modelSha256]: ws.manifest.onnx.sha256.slice(0, 32),
  };
  const labelled = [
    ...ofType(plan, 'gcp:storage/bucket:Bucket').map((r) => r.props.labels),
    ...ofType(plan, 'gcp:cloudfunctionsv2/function:Function').map((r) => r.props.labels),
    ...ofType(plan, 'gcp:monitoring/alertPolicy:AlertPolicy').map((r) => r.props.userLabels),
  ];
  expect(labelled).toHaveLength(13);
  for (const labels of labelled) expect(labels).toEqual(expected);
});

test('public auth grants allUsers run.invoker on the API and nothing else', async () => {
  const open = await planIsolated(stackConfig('gcp', ws, { auth: 'public', invokers: [] }), {
    region: REGION,
    stack: STACK,
  });
  const everyone = ofType(open, 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember').filter(
    (i) => i.props.member === 'allUsers',
  );
  expect(everyone.map((i) => i.props.name)).toEqual([`hscode-${STACK}-api`]);
});

test('the manifest is written after its model files, and the registry after the manifest', () => {
  const objects = ofType(plan, 'gcp:storage/bucketObject:BucketObject');
  const prefix = `models/textcnn/${ws.manifest.version}/`;
  const model = objects.filter((o) => String(o.props.name).startsWith(prefix));
  const manifest = model.find((o) => String(o.props.name).endsWith('/manifest.json'));
  expect(model).toHaveLength(5);
  for (const file of model.filter((o) => o !== manifest))
    expect(manifest?.opts.dependsOn).toContain(file.urn);
  const seed = objects.find((o) => o.props.name === 'registry/state.json');
  expect(seed?.opts.dependsOn).toContain(manifest?.urn);
  // The registry seed is written once and never replaced or deleted by a deployment.
  expect(seed?.opts).toMatchObject({ retainOnDelete: true });
  expect(seed?.opts.ignoreChanges?.length).toBeGreaterThan(0);
  for (const file of model) expect(file.opts).toMatchObject({ retainOnDelete: true, ignoreChanges: [] });
});
