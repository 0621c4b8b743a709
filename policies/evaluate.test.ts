import { allPolicies } from './all-policies';
import { evaluatePack, evaluatePolicies } from './evaluate';
import { requiredTags } from './rules/required-tags';
import { STACKS } from './testing/baselines';
import { mutate, UNKNOWN_STRING } from './testing/run';

describe('evaluatePack', () => {
  it.each(Object.keys(STACKS) as (keyof typeof STACKS)[])(
    'finds nothing wrong in the compliant %s stack',
    async (cloud) => {
      expect(await evaluatePack(STACKS[cloud]())).toEqual([]);
    },
  );

  it('reports each violation with its policy, enforcement level and resource', async () => {
    const stack = mutate(STACKS.aws(), 'api', (p) => delete p.tags.owner);
    expect(await evaluatePack(stack)).toEqual([
      {
        policy: 'required-tags',
        enforcementLevel: 'mandatory',
        message:
          "api (aws:lambda/function:Function) lacks the tags owner: set them from the stack's tags, as every taggable resource must carry owner, cost-centre, data-classification, model-variant, model-sha256.",
        urn: 'urn:pulumi:stack::project::aws:lambda/function:Function::api',
      },
    ]);
  });

  it('applies a stack\'s enforcement level, the "all" level and "disabled" as the engine does', async () => {
    const stack = mutate(STACKS.aws(), 'api', (p) => delete p.tags.owner);
    const levels = async (config: Parameters<typeof evaluatePack>[1]) =>
      (await evaluatePack(stack, config)).map((v) => v.enforcementLevel);
    expect(await levels({ config: { 'required-tags': 'advisory' } })).toEqual(['advisory']);
    expect(await levels({ config: { all: 'advisory' } })).toEqual(['advisory']);
    expect(
      await levels({ config: { all: 'advisory', 'required-tags': { enforcementLevel: 'mandatory' } } }),
    ).toEqual(['mandatory']);
    expect(await levels({ config: { 'required-tags': 'disabled' } })).toEqual([]);
  });

  it('refuses config for a policy the pack does not have', async () => {
    await expect(evaluatePack([], { config: { 'required-tag': 'advisory' } })).rejects.toThrow(
      'policy config names required-tag, which this pack does not have',
    );
  });

  it("reports a policy that reads an unknown value as the engine does: advisory, can't run during preview", async () => {
    const reader = {
      ...requiredTags,
      name: 'reads-unknown',
      validateResource: (args: { props: Record<string, unknown> }) => void String(args.props.bucket),
    };
    const stack = mutate(STACKS.aws(), 'store', (p) => (p.bucket = UNKNOWN_STRING)).slice(0, 1);
    expect(await evaluatePolicies([reader], stack)).toEqual([
      expect.objectContaining({
        enforcementLevel: 'advisory',
        message:
          "can't run policy 'reads-unknown' during preview: string value at .bucket can't be known during preview",
      }),
    ]);
  });

  it('gives every policy a kebab-case name, a sentence for a description and an enforcement level', () => {
    for (const policy of allPolicies) {
      expect(policy.name).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(policy.description).toMatch(/^[A-Z].{40,}\.$/);
      expect(['advisory', 'mandatory']).toContain(policy.enforcementLevel);
    }
    expect(new Set(allPolicies.map((p) => p.name)).size).toBe(allPolicies.length);
  });
});
