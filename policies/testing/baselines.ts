import type { ResourceRecord } from '../evaluate';

/**
 * A compliant stack per cloud, built by hand the way the project's program declares it: every
 * rule passes on each, and each failing test changes one prop of one of them.
 */
export const MODEL_SHA = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const DATA_SHA = '0c1d2e3f405162738495a6b7c8d9eaf0b1c2d3e4f5061728394a5b6c7d8e9fa0';
export const BUNDLE_SHA = '5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
export const BUNDLE_KEY = `functions/${BUNDLE_SHA}.zip`;

const TAGS = {
  owner: 'customs-ml',
  'cost-centre': 'cc-4711',
  'data-classification': 'internal',
  'model-variant': 'textcnn',
  'model-sha256': MODEL_SHA,
};
const LABELS = { ...TAGS, 'model-sha256': MODEL_SHA.slice(0, 32) };
const LINEAGE = {
  hscode_kind: 'model-manifest',
  model_variant: 'textcnn',
  model_version: 'textcnn-20261201',
  model_sha256: MODEL_SHA,
  data_sha256: DATA_SHA,
  seed: '42',
  code_version: '9f3c2a1',
  stopped_by: 'early-stopping',
};
const BUNDLE_METADATA = { hscode_kind: 'function-bundle', bundle_sha256: BUNDLE_SHA };
/** A stack whose resources share no objects, so a test can change one resource alone. */
const separate = (records: ResourceRecord[]): ResourceRecord[] =>
  JSON.parse(JSON.stringify(records)) as ResourceRecord[];

const env = (store: string) => ({ HSCODE_STORE: store, HSCODE_MODEL_SHA256: MODEL_SHA, HSCODE_AUTH: 'iam' });

function awsStack(): ResourceRecord[] {
  const bucket = 'hscode-store-1a2b3c';
  const tlsOnly = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyPlainHttp',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
  const access = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${bucket}/*` },
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
    ],
  };
  return [
    { type: 'aws:s3/bucket:Bucket', name: 'store', props: { bucket, tags: TAGS } },
    {
      type: 'aws:s3/bucketVersioning:BucketVersioning',
      name: 'store-versioning',
      props: { bucket, versioningConfiguration: { status: 'Enabled' } },
    },
    {
      type: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
      name: 'store-encryption',
      props: { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }] },
    },
    {
      type: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
      name: 'store-public-access',
      props: {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    },
    {
      type: 'aws:s3/bucketPolicy:BucketPolicy',
      name: 'store-tls-only',
      props: { bucket, policy: JSON.stringify(tlsOnly) },
    },
    {
      type: 'aws:cloudwatch/logGroup:LogGroup',
      name: 'api-logs',
      props: { name: '/aws/lambda/hscode-api', retentionInDays: 30, tags: TAGS },
    },
    {
      type: 'aws:iam/role:Role',
      name: 'api-role',
      props: {
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
        tags: TAGS,
      },
    },
    {
      type: 'aws:iam/rolePolicy:RolePolicy',
      name: 'api-access',
      props: { role: 'hscode-api', policy: JSON.stringify(access) },
    },
    {
      type: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
      name: 'api-logs-access',
      props: {
        role: 'hscode-api',
        policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      },
    },
    {
      type: 'aws:lambda/function:Function',
      name: 'api',
      props: {
        name: 'hscode-api',
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        role: 'arn:aws:iam::123456789012:role/hscode-api',
        memorySize: 1024,
        timeout: 30,
        s3Bucket: bucket,
        s3Key: BUNDLE_KEY,
        tracingConfig: { mode: 'Active' },
        environment: { variables: env(`s3://${bucket}`) },
        tags: TAGS,
      },
    },
    {
      type: 'aws:lambda/functionUrl:FunctionUrl',
      name: 'api-url',
      props: { functionName: 'hscode-api', authorizationType: 'AWS_IAM' },
    },
    {
      type: 'aws:lambda/permission:Permission',
      name: 'retrain-from-store',
      props: {
        action: 'lambda:InvokeFunction',
        function: 'hscode-retrain',
        principal: 's3.amazonaws.com',
        sourceArn: `arn:aws:s3:::${bucket}`,
      },
    },
    {
      type: 'aws:s3/bucketObjectv2:BucketObjectv2',
      name: 'model-manifest',
      props: { bucket, key: 'models/textcnn/textcnn-20261201/manifest.json', metadata: LINEAGE, tags: TAGS },
    },
    {
      type: 'aws:s3/bucketObjectv2:BucketObjectv2',
      name: 'predict-bundle',
      props: { bucket, key: BUNDLE_KEY, metadata: BUNDLE_METADATA, tags: TAGS },
    },
  ];
}

function gcpStack(): ResourceRecord[] {
  const bucket = 'hscode-store-1a2b3c';
  const source = { storageSource: { bucket, object: BUNDLE_KEY } };
  const fn = (name: string, extra: Record<string, unknown>, timeoutSeconds: number) => ({
    type: 'gcp:cloudfunctionsv2/function:Function',
    name,
    props: {
      name: `hscode-${name}`,
      location: 'europe-west1',
      buildConfig: { runtime: 'nodejs22', entryPoint: name, source },
      serviceConfig: { availableMemory: '1Gi', timeoutSeconds, environmentVariables: env(`gs://${bucket}`) },
      labels: LABELS,
      ...extra,
    },
  });
  return [
    {
      type: 'gcp:storage/bucket:Bucket',
      name: 'store',
      props: {
        name: bucket,
        location: 'EU',
        uniformBucketLevelAccess: true,
        publicAccessPrevention: 'enforced',
        versioning: { enabled: true },
        labels: LABELS,
      },
    },
    {
      type: 'gcp:logging/projectBucketConfig:ProjectBucketConfig',
      name: 'logs',
      props: { project: 'hscode-prod', location: 'global', bucketId: '_Default', retentionDays: 30 },
    },
    fn('api', {}, 60),
    fn('retrain', { eventTrigger: { eventType: 'google.cloud.storage.object.v1.finalized' } }, 540),
    {
      type: 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember',
      name: 'api-invoker',
      props: {
        name: 'hscode-api',
        location: 'europe-west1',
        role: 'roles/run.invoker',
        member: 'serviceAccount:caller@hscode-prod.iam.gserviceaccount.com',
      },
    },
    {
      type: 'gcp:storage/bucketIAMMember:BucketIAMMember',
      name: 'api-store-access',
      props: {
        bucket,
        role: 'roles/storage.objectAdmin',
        member: 'serviceAccount:api@hscode-prod.iam.gserviceaccount.com',
      },
    },
    {
      type: 'gcp:projects/iAMMember:IAMMember',
      name: 'api-metrics',
      props: {
        project: 'hscode-prod',
        role: 'roles/monitoring.metricWriter',
        member: 'serviceAccount:api@hscode-prod.iam.gserviceaccount.com',
      },
    },
    {
      type: 'gcp:storage/bucketObject:BucketObject',
      name: 'model-manifest',
      props: { bucket, name: 'models/textcnn/textcnn-20261201/manifest.json', metadata: LINEAGE },
    },
    {
      type: 'gcp:storage/bucketObject:BucketObject',
      name: 'predict-bundle',
      props: { bucket, name: BUNDLE_KEY, metadata: BUNDLE_METADATA },
    },
  ];
}

function azureStack(): ResourceRecord[] {
  const account = 'hscodestore1a2b';
  const resourceGroupName = 'hscode-rg';
  const appSettings = Object.entries({
    ...env(`https://${account}.blob.core.windows.net/store`),
    APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  }).map(([name, value]) => ({ name, value }));
  const container = (name: string) => ({
    type: 'azure-native:storage:BlobContainer',
    name,
    props: { accountName: account, resourceGroupName, containerName: name, publicAccess: 'None' },
  });
  return [
    {
      type: 'azure-native:resources:ResourceGroup',
      name: 'rg',
      props: { resourceGroupName, location: 'westeurope', tags: TAGS },
    },
    {
      type: 'azure-native:storage:StorageAccount',
      name: 'store',
      props: {
        accountName: account,
        resourceGroupName,
        kind: 'StorageV2',
        sku: { name: 'Standard_LRS' },
        allowBlobPublicAccess: false,
        minimumTlsVersion: 'TLS1_2',
        enableHttpsTrafficOnly: true,
        encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: true } } },
        tags: TAGS,
      },
    },
    {
      type: 'azure-native:storage:BlobServiceProperties',
      name: 'store-blob-service',
      props: {
        accountName: account,
        resourceGroupName,
        blobServicesName: 'default',
        isVersioningEnabled: true,
      },
    },
    container('store'),
    container('deployments'),
    {
      type: 'azure-native:operationalinsights:Workspace',
      name: 'logs',
      props: {
        resourceGroupName,
        workspaceName: 'hscode-logs',
        retentionInDays: 30,
        sku: { name: 'PerGB2018' },
        tags: TAGS,
      },
    },
    {
      type: 'azure-native:web:AppServicePlan',
      name: 'plan',
      props: {
        resourceGroupName,
        kind: 'functionapp',
        reserved: true,
        sku: { name: 'FC1', tier: 'FlexConsumption' },
        tags: TAGS,
      },
    },
    {
      type: 'azure-native:web:WebApp',
      name: 'api',
      props: {
        resourceGroupName,
        name: 'hscode-api',
        kind: 'functionapp,linux',
        httpsOnly: true,
        siteConfig: { minTlsVersion: '1.2', appSettings },
        functionAppConfig: {
          deployment: {
            storage: {
              type: 'blobContainer',
              value: `https://${account}.blob.core.windows.net/deployments`,
              authentication: { type: 'SystemAssignedIdentity' },
            },
          },
          runtime: { name: 'node', version: '22' },
          scaleAndConcurrency: { instanceMemoryMB: 2048, maximumInstanceCount: 40 },
        },
        tags: TAGS,
      },
    },
    {
      type: 'azure-native:authorization:RoleAssignment',
      name: 'api-store-access',
      props: {
        principalId: '11111111-2222-3333-4444-555555555555',
        principalType: 'ServicePrincipal',
        roleDefinitionId:
          '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe',
        scope: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${account}`,
      },
    },
    {
      type: 'azure-native:storage:Blob',
      name: 'model-manifest',
      props: {
        accountName: account,
        resourceGroupName,
        containerName: 'store',
        blobName: 'models/textcnn/textcnn-20261201/manifest.json',
        metadata: LINEAGE,
      },
    },
    {
      type: 'azure-native:storage:Blob',
      name: 'predict-bundle',
      props: {
        accountName: account,
        resourceGroupName,
        containerName: 'deployments',
        blobName: BUNDLE_KEY,
        metadata: BUNDLE_METADATA,
      },
    },
  ];
}

export const STACKS = {
  aws: () => separate(awsStack()),
  gcp: () => separate(gcpStack()),
  azure: () => separate(azureStack()),
} as const;
