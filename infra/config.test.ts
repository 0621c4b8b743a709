import { NEW_MODEL_WEIGHT } from '../models/deployment';
import { DEFAULT_VARIANT } from '../models/variants';
import { DEFAULT_SLA, parseStackConfig, StackConfigError, type ConfigProblem } from './config';
import type { PlanFailedError } from './plan';
import { planIsolated, stackConfig, workspace, PROJECT } from './test-fixtures';

const base = {
  cloud: 'aws',
  region: 'eu-west-1',
  model: { version: 'textcnn-0123456789ab', sha256: 'a'.repeat(64) },
  tags: { owner: 'ml', costCentre: 'cc1', dataClassification: 'internal' },
  invokers: ['123456789012'],
};

const values = (raw: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(raw)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [`${PROJECT}:${k}`, typeof v === 'string' ? v : JSON.stringify(v)]),
  );

const problemsOf = (raw: Record<string, unknown>): ConfigProblem[] => {
  try {
    parseStackConfig(PROJECT, values(raw));
  } catch (err) {
    if (err instanceof StackConfigError) return err.problems;
    throw err;
  }
  throw new Error('the config was accepted');
};

test('defaults come from the code that owns them', () => {
  const config = parseStackConfig(PROJECT, values(base));
  expect(config.model.variant).toBe(DEFAULT_VARIANT);
  expect(config.model.weight).toBe(NEW_MODEL_WEIGHT);
  expect(config.sla).toEqual(DEFAULT_SLA);
  expect(config).toMatchObject({
    auth: 'iam',
    bundleDir: 'dist/bundles',
    arch: 'x64',
    logRetentionDays: 30,
    recordText: false,
  });
});

test('values Pulumi stores as strings are read as numbers and booleans', () => {
  const config = parseStackConfig(PROJECT, values({ ...base, logRetentionDays: '90', recordText: 'true' }));
  expect(config.logRetentionDays).toBe(90);
  expect(config.recordText).toBe(true);
});

test('keys of other namespaces are not ours to judge', () => {
  expect(() => parseStackConfig(PROJECT, { ...values(base), 'aws:region': 'nowhere' })).not.toThrow();
});

test.each<[string, Record<string, unknown>, string, unknown, RegExp]>([
  ['an unknown cloud', { cloud: 'ibm' }, 'cloud', 'ibm', /one of "aws", "gcp", "azure"/],
  ['a missing region', { region: undefined }, 'region', undefined, /is required/],
  [
    'an unknown variant',
    { model: { ...base.model, variant: 'lstm' } },
    'model.variant',
    'lstm',
    /"textcnn", "bigru", "dnn"/,
  ],
  ['a weight above 1', { model: { ...base.model, weight: 1.5 } }, 'model.weight', 1.5, /<= 1/],
  ['a misspelt key', { modle: { variant: 'dnn' } }, 'modle', '{"variant":"dnn"}', /not a known key/],
  ['an unknown auth mode', { auth: 'open' }, 'auth', 'open', /"iam", "public"/],
  ['a negative timeout', { sla: { api: { timeoutSeconds: -1 } } }, 'sla.api.timeoutSeconds', -1, />= 1/],
  [
    'a bad data classification',
    { tags: { ...base.tags, dataClassification: 'secret' } },
    'tags.dataClassification',
    'secret',
    /"restricted"/,
  ],
  ['missing tags', { tags: undefined }, 'tags', undefined, /is required/],
  ['a structured key that is not JSON', { sla: 'fast' }, 'sla', 'fast', /structured YAML/],
  ['an unknown architecture', { arch: 'riscv' }, 'arch', 'riscv', /"x64", "arm64"/],
  [
    'a sha256 that is not one',
    { model: { ...base.model, sha256: 'abc' } },
    'model.sha256',
    'abc',
    /must match/,
  ],
  [
    'GCP without a project',
    { cloud: 'gcp', region: 'europe-west1', invokers: ['group:a@b.c'] },
    'project',
    undefined,
    /required when cloud is gcp/,
  ],
  [
    'Azure memory Flex does not offer',
    {
      cloud: 'azure',
      subscription: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg',
      sla: { api: { memoryMb: 1024 } },
    },
    'sla.api.memoryMb',
    1024,
    /512, 2048, 4096/,
  ],
  [
    'an Azure API timeout past 230 s',
    {
      cloud: 'azure',
      subscription: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg',
      sla: { api: { timeoutSeconds: 300 } },
    },
    'sla.api.timeoutSeconds',
    300,
    /230 s/,
  ],
  [
    'a GCP event function past 9 minutes',
    {
      cloud: 'gcp',
      project: 'my-project-1',
      invokers: ['group:a@b.c'],
      sla: { retrain: { timeoutSeconds: 600 } },
    },
    'sla.retrain.timeoutSeconds',
    600,
    /540 s/,
  ],
  ['AWS concurrency above 1', { sla: { api: { concurrency: 4 } } }, 'sla.api.concurrency', 4, /at most 1/],
  [
    'a retention CloudWatch does not offer',
    { logRetentionDays: 31 },
    'logRetentionDays',
    31,
    /one of 1, 3, 5/,
  ],
  [
    'more warm than max instances',
    { sla: { batch: { warmInstances: 9, maxInstances: 2 } } },
    'sla.batch.warmInstances',
    9,
    /maxInstances \(2\)/,
  ],
  [
    'arm64 outside AWS',
    { cloud: 'gcp', project: 'my-project-1', invokers: ['group:a@b.c'], arch: 'arm64' },
    'arch',
    'arm64',
    /x64 only/,
  ],
  [
    'both a version and an artifact',
    { model: { ...base.model, artifact: 'dist/model' } },
    'model.version',
    base.model.version,
    /not both/,
  ],
  [
    'neither a version nor an artifact',
    { model: {} },
    'model.artifact',
    undefined,
    /model.version with model.sha256/,
  ],
  [
    'a version without its sha256',
    { model: { version: 'textcnn-0123456789ab' } },
    'model.sha256',
    undefined,
    /pins/,
  ],
  ['iam auth naming no caller', { invokers: [] }, 'invokers', [], /at least one caller/],
  ['public auth with invokers', { auth: 'public' }, 'invokers', base.invokers, /must be empty/],
])(
  '%s fails with one message naming the key, its value and what is allowed',
  (_, change, key, value, allowed) => {
    const problems = problemsOf({ ...base, ...change });
    const mine = problems.filter((p) => p.key === key);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.value).toEqual(value);
    expect(mine[0]?.allowed).toMatch(allowed);
  },
);

test('every wrong key is reported at once, each in the message with how to fix it', () => {
  let message = '';
  try {
    parseStackConfig(PROJECT, values({ ...base, cloud: 'ibm', auth: 'open', logRetentionDays: 'forever' }));
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(
    /^stack configuration is invalid \(3 keys\); fix with "pulumi config set <key> <value>":/,
  );
  expect(message).toContain(`${PROJECT}:cloud = "ibm": must be one of`);
  expect(message).toContain(`${PROJECT}:auth = "open": must be one of "iam", "public"`);
  expect(message).toContain(`${PROJECT}:logRetentionDays = "forever": must be integer`);
});

test('the program fails on a bad key before declaring any resource', async () => {
  const ws = workspace('aws');
  const failure = await planIsolated(stackConfig('aws', ws, { cloud: 'oracle' })).catch(
    (err: unknown) => err,
  );
  // Classes of the isolated module registry: compare by name.
  expect((failure as PlanFailedError).name).toBe('PlanFailedError');
  expect((failure as PlanFailedError).resourcesDeclared).toBe(0);
  expect(((failure as PlanFailedError).cause as Error).name).toBe('StackConfigError');
  expect((failure as Error).message).toContain('hscode-mlops:cloud = "oracle"');
});

test('the program fails before declaring anything when the bundles are missing, saying how to build them', async () => {
  const ws = workspace('gcp');
  const failure = await planIsolated(stackConfig('gcp', ws, { bundleDir: `${ws.dir}/nowhere` })).catch(
    (err: unknown) => err,
  );
  expect((failure as PlanFailedError).resourcesDeclared).toBe(0);
  expect((failure as Error).message).toMatch(
    /gcp-predict-x64\.json is missing: run "npm run bundle -- --cloud gcp"/,
  );
});
