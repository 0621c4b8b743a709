import type { Policy } from '@pulumi/policy';
import { evaluatePolicies, type EvaluateOptions, type ResourceRecord } from '../evaluate';
import { STACKS } from './baselines';
import { engineProxy } from '../lib/engine-proxy';

/** What the engine puts where a value is not known during preview. */
export const UNKNOWN_STRING = engineProxy.unknownStringValue;
export const UNKNOWN_OBJECT = engineProxy.unknownObjectValue;

/** The messages one policy reports over these resources (each resource once, then the stack). */
export async function messagesOf(
  policy: Policy,
  records: ResourceRecord[],
  config?: Record<string, unknown>,
) {
  const options: EvaluateOptions = config ? { config: { [policy.name]: config } } : {};
  return (await evaluatePolicies([policy], records, options)).map((v) => v.message);
}

/** A copy of a stack where one resource's props are changed by `change`. */
export function mutate(
  records: ResourceRecord[],
  name: string,
  change: (props: Record<string, any>) => void, // eslint-disable-line @typescript-eslint/no-explicit-any
): ResourceRecord[] {
  const copy = structuredClone(records);
  const record = copy.find((r) => r.name === name);
  if (!record) throw new Error(`no resource named ${name} in this stack`);
  change(record.props);
  return copy;
}

/** The stack without the named resources. */
export const without = (records: ResourceRecord[], ...names: string[]) =>
  records.filter((r) => !names.includes(r.name));

/** Registers one test per cloud: the policy reports nothing on that cloud's compliant stack. */
export function itPassesEveryCompliantStack(policy: Policy) {
  it.each(Object.keys(STACKS) as (keyof typeof STACKS)[])(
    'reports nothing on the compliant %s stack',
    async (cloud) => {
      expect(await messagesOf(policy, STACKS[cloud]())).toEqual([]);
    },
  );
}
