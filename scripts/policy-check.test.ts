import { STACKS } from '../policies/testing/baselines';
import { mutate } from '../policies/testing/run';
import { policyCheck } from './policy-check';

describe('policy-check', () => {
  it('passes a compliant plan and says how much it checked', async () => {
    expect(await policyCheck({ resources: STACKS.gcp() })).toEqual({
      report: `${STACKS.gcp().length} resources, 0 violations (0 mandatory)`,
      failed: false,
    });
  });

  it('fails on a mandatory violation, naming the policy, the resource and the fix', async () => {
    const resources = mutate(STACKS.aws(), 'api-url', (p) => (p.authorizationType = 'NONE'));
    const { report, failed } = await policyCheck({ resources });
    expect(failed).toBe(true);
    expect(report.split('\n')).toEqual([
      'mandatory no-anonymous-invoke urn:pulumi:stack::project::aws:lambda/functionUrl:FunctionUrl::api-url',
      "  api-url has authorizationType 'NONE', so anyone can invoke the function: require IAM (AWS_IAM, a JWT or IAM authorizer, or named members such as a service account), or set allowPublicEndpoints true in this stack's policy config if it is meant to be public.",
      `${resources.length} resources, 1 violation (1 mandatory)`,
    ]);
  });

  it("passes when the stack's policy config allows what is reported, or makes it advisory", async () => {
    const resources = mutate(STACKS.aws(), 'api-url', (p) => (p.authorizationType = 'NONE'));
    expect(
      (await policyCheck({ resources }, { 'no-anonymous-invoke': { allowPublicEndpoints: true } })).failed,
    ).toBe(false);
    const advisory = await policyCheck({ resources }, { 'no-anonymous-invoke': 'advisory' });
    expect([advisory.failed, advisory.report.split('\n')[0]]).toEqual([
      false,
      'advisory no-anonymous-invoke urn:pulumi:stack::project::aws:lambda/functionUrl:FunctionUrl::api-url',
    ]);
  });
});
