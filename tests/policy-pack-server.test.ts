import { allPolicies } from '../policies/all-policies';
import { evaluatePack, type ResourceRecord } from '../policies/evaluate';
import { STACKS } from '../policies/testing/baselines';
import { mutate, UNKNOWN_STRING, without } from '../policies/testing/run';
import { PolicyPackServer } from './helpers/policy-pack-server';

/**
 * The pack as the Pulumi engine runs it, over gRPC, against the offline evaluator the plan and
 * the integration tests use: both must report the same violations for the same resources.
 */
describe('the policy pack served to the Pulumi engine', () => {
  let server: PolicyPackServer;
  beforeAll(async () => {
    server = await PolicyPackServer.start();
    await server.configure(allPolicies);
  });
  afterAll(() => server?.stop());

  it('announces every policy with its enforcement level and settings', async () => {
    const info = await server.info();
    expect(info.getName()).toBe('hscode');
    expect(info.getPoliciesList().map((p) => p.getName())).toEqual(allPolicies.map((p) => p.name));
    const schema = info
      .getPoliciesList()
      .find((p) => p.getName() === 'log-retention')!
      .getConfigschema()!;
    expect(schema.getProperties()!.toJavaScript()).toEqual({
      minimumRetentionDays: { type: 'integer', minimum: 1, default: 30 },
    });
  });

  const cases: Record<string, () => ResourceRecord[]> = {
    'compliant AWS stack': STACKS.aws,
    'compliant GCP stack': STACKS.gcp,
    'compliant Azure stack': STACKS.azure,
    'Lambda without an owner tag, tracing or a pinned runtime': () =>
      mutate(STACKS.aws(), 'api', (p) => {
        delete p.tags.owner;
        delete p.tracingConfig;
        p.runtime = 'nodejs18.x';
      }),
    'S3 bucket without versioning or a public access block': () =>
      without(STACKS.aws(), 'store-versioning', 'store-public-access'),
    'GCP function granted to allUsers with a time-budget model': () =>
      mutate(
        mutate(STACKS.gcp(), 'api-invoker', (p) => (p.member = 'allUsers')),
        'model-manifest',
        (p) => (p.metadata.stopped_by = 'time-budget'),
      ),
    'Azure stack with values unknown during preview': () =>
      mutate(STACKS.azure(), 'api', (p) => {
        p.functionAppConfig.deployment.storage.value = UNKNOWN_STRING;
        p.tags.owner = UNKNOWN_STRING;
      }),
  };

  it.each(Object.keys(cases))('reports what the offline evaluator reports: %s', async (name) => {
    const records = cases[name]!();
    const served = await server.analyse(records);
    const offline = await evaluatePack(records);
    const key = (v: { policy: string; message: string }) => `${v.policy}: ${v.message}`;
    expect(served.map(key).sort()).toEqual(offline.map(key).sort());
    expect(served.map((v) => [v.enforcementLevel, v.urn]).sort()).toEqual(
      offline.map((v) => [v.enforcementLevel, v.urn]).sort(),
    );
    if (name.startsWith('compliant')) expect(served).toEqual([]);
  });
});
