import {
  FUNCTION_ENV,
  JOB_SCHEDULE,
  OBJECT_METADATA,
  TAG_KEYS,
  TRIGGER_PREFIXES,
} from '../../models/deployment';
import type { FunctionRole } from '../../models/deployment';
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
  writeBundles,
  TEST_TAGS,
  type Props,
  type Workspace,
} from '../test-fixtures';
import { lambdaCodeHash } from './function';

const STACK = 'aws-test';
const REGION = 'eu-west-1';
let ws: Workspace;
let plan: Plan;

const lambdas = () => ofType(plan, 'aws:lambda/function:Function');
const lambdaOf = (role: FunctionRole): Props => {
  const found = lambdas().find((l) => l.props.name === `hscode-${STACK}-${role}`);
  if (!found) throw new Error(`no lambda for ${role}`);
  return found.props;
};
const arnOf = (role: FunctionRole) =>
  `arn:aws:lambda:${REGION}:123456789012:function:hscode-${STACK}-${role}`;

beforeAll(async () => {
  ws = workspace('aws');
  plan = await planIsolated(stackConfig('aws', ws), { region: REGION, stack: STACK });
});

test('declares exactly the expected resource graph', () => {
  expect(typeCounts(plan)).toEqual({
    'pulumi:providers:aws': 1,
    'hscode:aws:ModelStore': 1,
    'hscode:aws:HttpFunction': 1,
    'hscode:aws:ObjectFunctions': 1,
    'hscode:aws:ScheduledFunction': 1,
    'hscode:aws:Monitoring': 1,
    'hscode:aws:Function': 4,
    'aws:s3/bucket:Bucket': 1,
    'aws:s3/bucketVersioning:BucketVersioning': 1,
    'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration': 1,
    'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock': 1,
    'aws:s3/bucketOwnershipControls:BucketOwnershipControls': 1,
    'aws:s3/bucketPolicy:BucketPolicy': 1,
    // 4 model files, the registry seed, one pending registration, 2 bundles.
    'aws:s3/bucketObjectv2:BucketObjectv2': 9,
    'aws:cloudwatch/logGroup:LogGroup': 4,
    'aws:iam/role:Role': 5,
    'aws:iam/rolePolicy:RolePolicy': 5,
    'aws:iam/rolePolicyAttachment:RolePolicyAttachment': 4,
    'aws:lambda/function:Function': 4,
    'aws:lambda/functionUrl:FunctionUrl': 1,
    'aws:lambda/permission:Permission': 3,
    'aws:s3/bucketNotification:BucketNotification': 1,
    'aws:scheduler/schedule:Schedule': 1,
    'aws:cloudwatch/metricAlarm:MetricAlarm': 8,
    'aws:cloudwatch/dashboard:Dashboard': 1,
  });
  expect(unparentedOrMisnamed(plan)).toEqual([]);
  expect(plan.invokes).toEqual(['aws:index/getCallerIdentity:getCallerIdentity']);
});

test('the bucket is versioned, encrypted, private, owner-enforced and TLS-only', () => {
  expect(onlyOfType(plan, 'aws:s3/bucketVersioning:BucketVersioning').props.versioningConfiguration).toEqual({
    status: 'Enabled',
  });
  expect(onlyOfType(plan, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').props).toMatchObject({
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  const sse = onlyOfType(
    plan,
    'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  );
  expect(sse.props.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe('AES256');
  expect(
    onlyOfType(plan, 'aws:s3/bucketOwnershipControls:BucketOwnershipControls').props.rule.objectOwnership,
  ).toBe('BucketOwnerEnforced');
  const policy = JSON.parse(onlyOfType(plan, 'aws:s3/bucketPolicy:BucketPolicy').props.policy as string);
  expect(policy.Statement).toEqual([
    expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
  ]);
});

test('each function runs its bundle from functions/<sha256>.zip with the pinned model and its SLA', () => {
  const code = ofType(plan, 'aws:s3/bucketObjectv2:BucketObjectv2').filter((o) =>
    String(o.props.key).startsWith('functions/'),
  );
  expect(code.map((o) => o.props.key).sort()).toEqual(
    [`functions/${ws.bundles.predict.sha256}.zip`, `functions/${ws.bundles.retrain.sha256}.zip`].sort(),
  );
  for (const object of code) {
    expect(object.props.metadata[OBJECT_METADATA.bundleSha256]).toBe(String(object.props.key).slice(10, 74));
  }
  const expected: Record<FunctionRole, string> = {
    api: ws.bundles.predict.sha256,
    batch: ws.bundles.predict.sha256,
    jobs: ws.bundles.predict.sha256,
    retrain: ws.bundles.retrain.sha256,
  };
  for (const [role, sha] of Object.entries(expected) as Array<[FunctionRole, string]>) {
    const fn = lambdaOf(role);
    expect(fn.s3Key).toBe(`functions/${sha}.zip`);
    expect(fn.sourceCodeHash).toBe(lambdaCodeHash(sha));
    expect(fn.handler).toBe(`index.${role}`);
    expect(fn).toMatchObject({
      runtime: 'nodejs20.x',
      architectures: ['x86_64'],
      tracingConfig: { mode: 'Active' },
    });
    expect(fn.memorySize).toBe(role === 'retrain' ? 4096 : 2048);
    expect(fn.environment.variables).toEqual({
      [FUNCTION_ENV.store]: 's3://store-bucket-0a1b2c3',
      [FUNCTION_ENV.modelVariant]: 'textcnn',
      [FUNCTION_ENV.modelVersion]: ws.manifest.version,
      [FUNCTION_ENV.modelSha256]: ws.manifest.onnx.sha256,
      [FUNCTION_ENV.auth]: 'iam',
      [FUNCTION_ENV.recordText]: '0',
    });
  }
});

test('each function logs to its own log group, created first, with the configured retention', () => {
  const groups = ofType(plan, 'aws:cloudwatch/logGroup:LogGroup');
  for (const lambda of lambdas()) {
    const group = groups.find((g) => g.props.name === `/aws/lambda/${lambda.props.name}`);
    expect(group?.props.retentionInDays).toBe(30);
    expect(lambda.props.loggingConfig.logGroup).toBe(group?.props.name);
    expect(lambda.opts.dependsOn).toContain(group?.urn);
  }
});

test('every role holds exactly its row of the permission table, with no wildcard action or resource', () => {
  const bucketArn = 'arn:aws:s3:::store-bucket-0a1b2c3';
  const policies = ofType(plan, 'aws:iam/rolePolicy:RolePolicy').filter((p) =>
    p.name.endsWith('-store-access'),
  );
  expect(policies).toHaveLength(4);
  const lambdaRole: Record<string, FunctionRole> = {
    'api-function-store-access': 'api',
    'events-batch-store-access': 'batch',
    'events-retrain-store-access': 'retrain',
    'jobs-function-store-access': 'jobs',
  };
  for (const policy of policies) {
    const role = lambdaRole[policy.name];
    if (!role) throw new Error(`unexpected policy ${policy.name}`);
    const doc = JSON.parse(policy.props.policy as string) as { Statement: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const prefixesFor = (action: string) =>
      doc.Statement.filter((s) => s.Action.includes(action))
        .flatMap((s) => s.Resource as string[])
        .map((r) => r.slice(bucketArn.length + 1).replace(/\*$/, ''))
        .sort();
    expect(prefixesFor('s3:GetObject')).toEqual([...ACCESS[role].read].sort());
    expect(prefixesFor('s3:PutObject')).toEqual([...ACCESS[role].write].sort());
    expect(prefixesFor('s3:DeleteObject')).toEqual([]);
    const list = doc.Statement.find((s) => s.Action.includes('s3:ListBucket'));
    expect(list?.Condition.StringLike['s3:prefix'].sort()).toEqual(
      ACCESS[role].read.map((p) => `${p}*`).sort(),
    );
    for (const statement of doc.Statement) {
      expect(statement.Effect).toBe('Allow');
      for (const action of statement.Action as string[]) expect(action).not.toContain('*');
      for (const resource of statement.Resource as string[]) {
        expect(resource).not.toBe('*');
        expect(resource).not.toBe(`${bucketArn}/*`);
      }
    }
  }
});

test('the API sits behind an IAM-authenticated function URL callable by the named invokers only', () => {
  expect(onlyOfType(plan, 'aws:lambda/functionUrl:FunctionUrl').props).toMatchObject({
    functionName: `hscode-${STACK}-api`,
    authorizationType: 'AWS_IAM',
  });
  const urlPermissions = ofType(plan, 'aws:lambda/permission:Permission').filter(
    (p) => p.props.action === 'lambda:InvokeFunctionUrl',
  );
  expect(urlPermissions.map((p) => p.props)).toEqual([
    expect.objectContaining({
      principal: 'arn:aws:iam::123456789012:role/analysts',
      functionUrlAuthType: 'AWS_IAM',
    }),
  ]);
  expect(plan.resources.some((r) => r.props.principal === '*')).toBe(false);
});

test('new objects start retrain and batch on their prefixes, with S3 allowed to invoke them', () => {
  const notification = onlyOfType(plan, 'aws:s3/bucketNotification:BucketNotification');
  expect(notification.props.lambdaFunctions).toEqual([
    {
      lambdaFunctionArn: arnOf('batch'),
      events: ['s3:ObjectCreated:*'],
      filterPrefix: TRIGGER_PREFIXES.batch,
    },
    {
      lambdaFunctionArn: arnOf('retrain'),
      events: ['s3:ObjectCreated:*'],
      filterPrefix: TRIGGER_PREFIXES.retrain,
    },
  ]);
  const fromS3 = ofType(plan, 'aws:lambda/permission:Permission').filter(
    (p) => p.props.principal === 's3.amazonaws.com',
  );
  expect(fromS3.map((p) => p.props.function).sort()).toEqual([
    `hscode-${STACK}-batch`,
    `hscode-${STACK}-retrain`,
  ]);
  for (const p of fromS3)
    expect(p.props).toMatchObject({
      sourceArn: 'arn:aws:s3:::store-bucket-0a1b2c3',
      sourceAccount: '123456789012',
    });
  for (const p of fromS3) expect(notification.opts.dependsOn).toContain(p.urn);
});

test('the jobs function runs on the shared schedule through a scheduler role that may only invoke it', () => {
  const schedule = onlyOfType(plan, 'aws:scheduler/schedule:Schedule').props;
  expect(schedule.scheduleExpression).toBe(`rate(${JOB_SCHEDULE.promoteEveryMinutes} minutes)`);
  expect(schedule.target.arn).toBe(arnOf('jobs'));
  const role = ofType(plan, 'aws:iam/role:Role').find((r) => r.name === 'jobs-scheduler-role');
  expect(JSON.parse(role?.props.assumeRolePolicy as string).Statement[0].Principal).toEqual({
    Service: 'scheduler.amazonaws.com',
  });
  expect(schedule.target.roleArn).toBe(`arn:aws:iam::123456789012:role/jobs-scheduler-role`);
  const invoke = ofType(plan, 'aws:iam/rolePolicy:RolePolicy').find(
    (p) => p.name === 'jobs-scheduler-invoke',
  );
  expect(JSON.parse(invoke?.props.policy as string).Statement).toEqual([
    { Sid: 'InvokeJobs', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [arnOf('jobs')] },
  ]);
});

test('alarms watch every function: error rate from Errors, and Duration at p99', () => {
  const alarms = ofType(plan, 'aws:cloudwatch/metricAlarm:MetricAlarm');
  const p99 = alarms.filter((a) => a.props.metricName === 'Duration');
  expect(p99.map((a) => a.props.dimensions.FunctionName).sort()).toEqual(
    lambdas()
      .map((l) => l.props.name)
      .sort(),
  );
  for (const a of p99) expect(a.props).toMatchObject({ extendedStatistic: 'p99', threshold: 1000 });
  const errors = alarms.filter((a) => a.props.metricQueries);
  expect(errors).toHaveLength(4);
  for (const a of errors) {
    expect(a.props.threshold).toBe(0.01);
    expect(a.props.metricQueries.map((q: Props) => q.metric?.metricName).filter(Boolean)).toEqual([
      'Errors',
      'Invocations',
    ]);
  }
});

test('the model is published content-addressed with lineage metadata; the registry seed is written once', () => {
  const objects = ofType(plan, 'aws:s3/bucketObjectv2:BucketObjectv2');
  const prefix = `models/textcnn/${ws.manifest.version}/`;
  const model = objects.filter((o) => String(o.props.key).startsWith(prefix));
  expect(model.map((o) => String(o.props.key).slice(prefix.length)).sort()).toEqual([
    'encoder.json',
    'labels.json',
    'lexical-index.bin',
    'manifest.json',
    'model.onnx',
  ]);
  for (const o of model) expect(o.opts).toMatchObject({ retainOnDelete: true, ignoreChanges: [] });
  const manifest = model.find((o) => String(o.props.key).endsWith('manifest.json'));
  expect(manifest?.props.metadata).toEqual({
    hscode_kind: 'model-manifest',
    model_variant: 'textcnn',
    model_version: ws.manifest.version,
    model_sha256: ws.manifest.onnx.sha256,
    data_sha256: ws.manifest.data.sha256,
    seed: String(ws.manifest.seed),
    code_version: ws.manifest.codeVersion,
    stopped_by: 'early-stopping',
  });
  // Written last, so no reader meets a manifest whose files are not there yet; the registry after it.
  for (const file of model.filter((o) => o !== manifest))
    expect(manifest?.opts.dependsOn).toContain(file.urn);
  const seed = objects.find((o) => o.props.key === 'registry/state.json');
  expect(seed?.opts.dependsOn).toContain(manifest?.urn);
  // Every object after versioning, so each has a version id from the start.
  const versioning = ofType(plan, 'aws:s3/bucketVersioning:BucketVersioning')[0];
  for (const o of objects) expect(o.opts.dependsOn).toContain(versioning?.urn);
  expect(JSON.parse(seed?.props.content as string).champion).toEqual({
    variant: 'textcnn',
    version: ws.manifest.version,
  });
  expect(seed?.opts.retainOnDelete).toBe(true);
  expect(seed?.opts.ignoreChanges).toEqual(expect.arrayContaining(['source', 'content', 'metadata']));
  const pending = objects.find((o) => o.props.key === `registry/pending/textcnn/${ws.manifest.version}.json`);
  expect(JSON.parse(pending?.props.content as string)).toMatchObject({ as: 'challenger', weight: 0.1 });
});

test('every taggable resource carries the configured tags and the model it serves', () => {
  const taggable = [
    'aws:s3/bucket:Bucket',
    'aws:s3/bucketObjectv2:BucketObjectv2',
    'aws:cloudwatch/logGroup:LogGroup',
    'aws:iam/role:Role',
    'aws:lambda/function:Function',
    'aws:cloudwatch/metricAlarm:MetricAlarm',
  ];
  const expected = {
    [TAG_KEYS.owner]: TEST_TAGS.owner,
    [TAG_KEYS.costCentre]: TEST_TAGS.costCentre,
    [TAG_KEYS.dataClassification]: TEST_TAGS.dataClassification,
    [TAG_KEYS.modelVariant]: 'textcnn',
    [TAG_KEYS.modelSha256]: ws.manifest.onnx.sha256,
  };
  const resources = plan.resources.filter((r) => taggable.includes(r.type));
  expect(resources).toHaveLength(1 + 9 + 4 + 5 + 4 + 8);
  for (const r of resources) expect(r.props.tags).toEqual(expected);
});

describe('variants of the stack config', () => {
  test('public auth opens the URL to everyone, through the URL only', async () => {
    const open = await planIsolated(stackConfig('aws', ws, { auth: 'public', invokers: [] }), {
      region: REGION,
      stack: STACK,
    });
    expect(onlyOfType(open, 'aws:lambda/functionUrl:FunctionUrl').props.authorizationType).toBe('NONE');
    const everyone = ofType(open, 'aws:lambda/permission:Permission').filter(
      (p) => p.props.principal === '*',
    );
    expect(everyone.map((p) => [p.props.action, p.props.invokedViaFunctionUrl ?? null])).toEqual([
      ['lambda:InvokeFunctionUrl', null],
      ['lambda:InvokeFunction', true],
    ]);
  });

  test('warm instances publish an alias with provisioned concurrency that the URL serves', async () => {
    writeBundles(ws.bundleDir, 'aws', 'arm64');
    const warm = await planIsolated(
      stackConfig('aws', ws, { sla: { api: { warmInstances: 2 } }, arch: 'arm64' }),
      {
        region: REGION,
        stack: STACK,
      },
    );
    expect(
      onlyOfType(warm, 'aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig').props,
    ).toMatchObject({
      functionName: `hscode-${STACK}-api`,
      qualifier: 'live',
      provisionedConcurrentExecutions: 2,
    });
    expect(onlyOfType(warm, 'aws:lambda/functionUrl:FunctionUrl').props.qualifier).toBe('live');
    for (const fn of ofType(warm, 'aws:lambda/function:Function'))
      expect(fn.props.architectures).toEqual(['arm64']);
  });
});
