import {
  FUNCTION_ENV,
  JOB_SCHEDULE,
  OBJECT_METADATA,
  TAG_KEYS,
  TRIGGER_PREFIXES,
  type FunctionRole,
} from '../../models/deployment';
import type { Plan } from '../plan';
import { ACCESS, AZURE_SCHEDULE_SETTING } from '../spec';
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
import { BLOB_CREATED } from './object-functions';
import { ROLE_DEFINITIONS } from './permissions';

const STACK = 'azure-test';
let ws: Workspace;
let plan: Plan;

const appOf = (role: FunctionRole) => {
  const found = ofType(plan, 'azure-native:web:WebApp').find((a) =>
    String(a.props.name).startsWith(`hscode-${STACK}-${role}-`),
  );
  if (!found) throw new Error(`no function app for ${role}`);
  return found;
};
const settingsOf = (role: FunctionRole): Record<string, string> =>
  Object.fromEntries((appOf(role).props.siteConfig.appSettings as Props[]).map((s) => [s.name, s.value]));

beforeAll(async () => {
  ws = workspace('azure');
  plan = await planIsolated(stackConfig('azure', ws), { region: 'westeurope', stack: STACK });
});

test('declares exactly the expected resource graph', () => {
  expect(typeCounts(plan)).toEqual({
    'pulumi:providers:azure-native': 1,
    'hscode:azure:ModelStore': 1,
    'hscode:azure:HttpFunction': 1,
    'hscode:azure:ObjectFunctions': 1,
    'hscode:azure:ScheduledFunction': 1,
    'hscode:azure:Monitoring': 1,
    'hscode:azure:Function': 4,
    'azure-native:storage:StorageAccount': 1,
    'azure-native:storage:BlobServiceProperties': 1,
    // The store, the host's two, one deployment container per app.
    'azure-native:storage:BlobContainer': 7,
    // 4 model files, the registry seed, one pending registration, one package per app.
    'azure-native:storage:Blob': 11,
    'azure-native:operationalinsights:Workspace': 4,
    'azure-native:applicationinsights:Component': 4,
    'azure-native:web:AppServicePlan': 4,
    'azure-native:web:WebApp': 4,
    // Per app: the store, its package, the host's two containers.
    'azure-native:authorization:RoleAssignment': 16,
    'azure-native:eventgrid:SystemTopic': 1,
    'azure-native:eventgrid:SystemTopicEventSubscription': 2,
    'azure-native:monitor:ScheduledQueryRule': 8,
  });
  expect(unparentedOrMisnamed(plan)).toEqual([]);
  expect(plan.invokes).toEqual([]);
});

test('the storage account is private, TLS 1.2 only, with versioned blobs', () => {
  const account = onlyOfType(plan, 'azure-native:storage:StorageAccount').props;
  expect(account).toMatchObject({
    allowBlobPublicAccess: false,
    minimumTlsVersion: 'TLS1_2',
    enableHttpsTrafficOnly: true,
  });
  expect(account.accountName).toMatch(/^[a-z0-9]{3,24}$/);
  expect(onlyOfType(plan, 'azure-native:storage:BlobServiceProperties').props.isVersioningEnabled).toBe(true);
  for (const c of ofType(plan, 'azure-native:storage:BlobContainer'))
    expect(c.props.publicAccess).toBe('None');
});

test('each app is a Flex Consumption node 20 app deploying its bundle from its own container', () => {
  for (const plan_ of ofType(plan, 'azure-native:web:AppServicePlan')) {
    expect(plan_.props.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
  }
  const blobs = ofType(plan, 'azure-native:storage:Blob');
  for (const role of ['api', 'batch', 'retrain', 'jobs'] as const) {
    const app = appOf(role).props;
    expect(app.kind).toBe('functionapp,linux');
    expect(app.identity).toEqual({ type: 'SystemAssigned' });
    const sha = role === 'retrain' ? ws.bundles.retrain.sha256 : ws.bundles.predict.sha256;
    const config = app.functionAppConfig;
    expect(config.runtime).toEqual({ name: 'node', version: '20' });
    expect(config.deployment.storage).toMatchObject({
      type: 'blobContainer',
      authentication: { type: 'SystemAssignedIdentity' },
    });
    const container = String(config.deployment.storage.value).split('/').pop();
    const pkg = blobs.find((b) => b.props.containerName === container);
    expect(pkg?.props.blobName).toBe(`functions/${sha}.zip`);
    expect(pkg?.props.metadata[OBJECT_METADATA.bundleSha256]).toBe(sha);
    expect(config.scaleAndConcurrency).toMatchObject({ instanceMemoryMB: role === 'retrain' ? 4096 : 2048 });
    const settings = settingsOf(role);
    expect(settings[FUNCTION_ENV.modelSha256]).toBe(ws.manifest.onnx.sha256);
    expect(settings[FUNCTION_ENV.store]).toMatch(/^https:\/\/[a-z0-9]+\.blob\.core\.windows\.net\/store$/);
    // Only this app's function runs here; the bundle's others are disabled.
    const disabled = Object.keys(settings).filter((k) => k.endsWith('.Disabled'));
    const bundleFunctions = role === 'retrain' ? ['retrain'] : ['api', 'batch', 'jobs'];
    expect(disabled.sort()).toEqual(
      bundleFunctions.filter((f) => f !== role).map((f) => `AzureWebJobs.${f}.Disabled`),
    );
  }
  expect(settingsOf('jobs')[AZURE_SCHEDULE_SETTING]).toBe(`0 */${JOB_SCHEDULE.promoteEveryMinutes} * * * *`);
});

test('identities hold Storage Blob Data roles on containers, narrowed to the table by conditions', () => {
  const assignments = ofType(plan, 'azure-native:authorization:RoleAssignment');
  for (const a of assignments) {
    const definition = String(a.props.roleDefinitionId).split('/').pop();
    expect([ROLE_DEFINITIONS.blobDataReader, ROLE_DEFINITIONS.blobDataContributor]).toContain(definition);
    expect(String(a.props.scope)).toContain('BlobContainer');
  }
  const store = assignments.filter((a) => a.name.endsWith('-store-access'));
  expect(store).toHaveLength(4);
  for (const a of store) {
    const role = (['api', 'batch', 'retrain', 'jobs'] as const).find(
      (r) => a.props.principalId === `principal-${appOf(r).name}`,
    );
    if (!role) throw new Error(`${a.name} belongs to no app`);
    const paths = [...String(a.props.condition).matchAll(/:path\] StringStartsWith '([^']+)'/g)].map(
      (m) => m[1],
    );
    expect(new Set(paths)).toEqual(new Set([...ACCESS[role].read, ...ACCESS[role].write]));
    expect(a.props.conditionVersion).toBe('2.0');
  }
});

test('Event Grid delivers BlobCreated under each trigger prefix to its function', () => {
  const topic = onlyOfType(plan, 'azure-native:eventgrid:SystemTopic').props;
  expect(topic.topicType).toBe('Microsoft.Storage.StorageAccounts');
  const subscriptions = ofType(plan, 'azure-native:eventgrid:SystemTopicEventSubscription').map(
    (s) => s.props,
  );
  for (const role of ['batch', 'retrain'] as const) {
    const sub = subscriptions.find((s) => String(s.destination.resourceId).endsWith(`/functions/${role}`));
    expect(sub?.destination.resourceId).toBe(
      `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/web:WebApp/${appOf(role).name}/functions/${role}`,
    );
    expect(sub?.filter).toMatchObject({
      includedEventTypes: [BLOB_CREATED],
      subjectBeginsWith: `/blobServices/default/containers/store/blobs/${TRIGGER_PREFIXES[role]}`,
    });
  }
});

test('every function has telemetry with the configured retention and alerts on failures and p99', () => {
  for (const w of ofType(plan, 'azure-native:operationalinsights:Workspace'))
    expect(w.props.retentionInDays).toBe(30);
  const rules = ofType(plan, 'azure-native:monitor:ScheduledQueryRule').map((r) => r.props.criteria.allOf[0]);
  expect(rules.filter((c) => String(c.query).includes('success == false')).map((c) => c.threshold)).toEqual([
    0.01, 0.01, 0.01, 0.01,
  ]);
  expect(
    rules.filter((c) => String(c.query).includes('percentile(duration, 99)')).map((c) => c.threshold),
  ).toEqual([1000, 1000, 1000, 1000]);
});

test('every taggable resource carries the configured tags and the model it serves', () => {
  const expected = {
    [TAG_KEYS.owner]: TEST_TAGS.owner,
    [TAG_KEYS.costCentre]: TEST_TAGS.costCentre,
    [TAG_KEYS.dataClassification]: TEST_TAGS.dataClassification,
    [TAG_KEYS.modelVariant]: 'textcnn',
    [TAG_KEYS.modelSha256]: ws.manifest.onnx.sha256,
  };
  const taggable = [
    'azure-native:storage:StorageAccount',
    'azure-native:operationalinsights:Workspace',
    'azure-native:applicationinsights:Component',
    'azure-native:web:AppServicePlan',
    'azure-native:web:WebApp',
    'azure-native:eventgrid:SystemTopic',
    'azure-native:monitor:ScheduledQueryRule',
  ];
  const resources = plan.resources.filter((r) => taggable.includes(r.type));
  expect(resources).toHaveLength(1 + 4 + 4 + 4 + 4 + 1 + 8);
  for (const r of resources) expect(r.props.tags).toEqual(expected);
});

test('the manifest is written after its model files, and the registry after the manifest', () => {
  const objects = ofType(plan, 'azure-native:storage:Blob');
  const prefix = `models/textcnn/${ws.manifest.version}/`;
  const model = objects.filter((o) => String(o.props.blobName).startsWith(prefix));
  const manifest = model.find((o) => String(o.props.blobName).endsWith('/manifest.json'));
  expect(model).toHaveLength(5);
  for (const file of model.filter((o) => o !== manifest))
    expect(manifest?.opts.dependsOn).toContain(file.urn);
  const seed = objects.find((o) => o.props.blobName === 'registry/state.json');
  expect(seed?.opts.dependsOn).toContain(manifest?.urn);
  // The registry seed is written once and never replaced or deleted by a deployment.
  expect(seed?.opts).toMatchObject({ retainOnDelete: true });
  expect(seed?.opts.ignoreChanges?.length).toBeGreaterThan(0);
  for (const file of model) expect(file.opts).toMatchObject({ retainOnDelete: true, ignoreChanges: [] });
});
