import type {
  EnforcementLevel,
  Policies,
  Policy,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from '@pulumi/policy';
import { allPolicies } from './all-policies';
import { copyPlain, withDefaults } from './lib/config';
import { engineProxy } from './lib/engine-proxy';

/**
 * Runs policies over a list of resources the way the Pulumi engine does, without the engine: the
 * offline plan and the integration tests feed it the resources a mocked program registered.
 */

/** One resource as a mocked program registers it. */
export interface ResourceRecord {
  type: string;
  name: string;
  /** Defaults to `urn:pulumi:stack::project::<type>::<name>`. */
  urn?: string;
  props: Record<string, unknown>;
  /** The id the provider (or the mocks) gave it: stack rules match references such as `bucket: b.id` by it. */
  id?: string;
  /** The URNs each property was computed from, as the engine records them (optional). */
  propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  urn?: string;
}

/** Per-policy config as in a `--policy-pack-config` file: a level, or a level with settings. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface EvaluateOptions {
  config?: PackConfig;
  stackTags?: Record<string, string>;
}

const urnOf = (r: ResourceRecord) => r.urn ?? `urn:pulumi:stack::project::${r.type}::${r.name}`;

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  additionalSecretOutputs: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

class NotApplicable extends Error {}

function settingsFor(policy: Policy, config: PackConfig) {
  const entry = config[policy.name] ?? {};
  const { enforcementLevel, ...given } = typeof entry === 'string' ? { enforcementLevel: entry } : entry;
  const all = typeof config.all === 'string' ? config.all : undefined;
  const level: EnforcementLevel = enforcementLevel ?? all ?? policy.enforcementLevel ?? 'advisory';
  // No rule remediates, so 'remediate' blocks like 'mandatory' (as the engine treats stack policies).
  return { level: level === 'remediate' ? 'mandatory' : level, config: withDefaults(policy, given) };
}

const isTypeOf = (type: string) => (cls: unknown) =>
  (cls as { __pulumiType?: string })?.__pulumiType === type;

function resourceArgs(record: ResourceRecord, config: object, stackTags: ReadonlyMap<string, string>) {
  const props = engineProxy.unknownCheckingProxy(copyPlain(record.props));
  const args: ResourceValidationArgs = {
    type: record.type,
    props,
    urn: urnOf(record),
    name: record.name,
    opts: OPTIONS,
    stackTags,
    isType: isTypeOf(record.type) as ResourceValidationArgs['isType'],
    asType: ((cls: unknown) =>
      isTypeOf(record.type)(cls) ? props : undefined) as ResourceValidationArgs['asType'],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
  return args;
}

function stackResources(records: readonly ResourceRecord[]): PolicyResource[] {
  const resources = records.map((record) => {
    // A stack policy sees a resource's outputs, among them its id.
    const outputs = record.id === undefined ? record.props : { id: record.id, ...record.props };
    const props = engineProxy.unknownCheckingProxy(copyPlain(outputs));
    const resource = {
      type: record.type,
      props,
      urn: urnOf(record),
      name: record.name,
      opts: OPTIONS,
      dependencies: [] as PolicyResource[],
      propertyDependencies: {} as Record<string, PolicyResource[]>,
      isType: isTypeOf(record.type),
      asType: (cls: unknown) => (isTypeOf(record.type)(cls) ? props : undefined),
    };
    return resource as unknown as PolicyResource;
  });
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  records.forEach((record, i) => {
    for (const [prop, urns] of Object.entries(record.propertyDependencies ?? {})) {
      const found = urns.map((u) => byUrn.get(u)).filter((r): r is PolicyResource => r !== undefined);
      resources[i]!.propertyDependencies[prop] = found;
      resources[i]!.dependencies.push(...found.filter((r) => !resources[i]!.dependencies.includes(r)));
    }
  });
  return resources;
}

/** What the engine reports when a policy reads a value that is unknown during preview. */
function outcome(policy: Policy, error: unknown, out: Violation[], urn?: string) {
  if (error instanceof NotApplicable) return;
  if (!(error instanceof engineProxy.UnknownValueError)) throw error;
  const message = `can't run policy '${policy.name}' during preview: ${error.message}`;
  out.push({ policy: policy.name, enforcementLevel: 'advisory', message, urn });
}

/**
 * Every violation the policies report for these resources: each resource policy on each resource,
 * then each stack policy on them all, with the configuration and schema defaults the engine would
 * apply. Throws on config for a policy the pack does not have, as the engine does.
 */
export async function evaluatePolicies(
  policies: Policies,
  records: readonly ResourceRecord[],
  options: EvaluateOptions = {},
): Promise<Violation[]> {
  const config = options.config ?? {};
  const unknownNames = Object.keys(config).filter((n) => n !== 'all' && !policies.some((p) => p.name === n));
  if (unknownNames.length > 0) {
    throw new Error(`policy config names ${unknownNames.join(', ')}, which this pack does not have`);
  }
  const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(options.stackTags ?? {}));
  const out: Violation[] = [];
  for (const policy of policies) {
    const { level, config: settings } = settingsFor(policy, config);
    if (level === 'disabled') continue;
    const report = (urn?: string) => (message: string, reported?: string) =>
      out.push({ policy: policy.name, enforcementLevel: level, message, urn: urn ?? reported });
    if ('validateStack' in policy) {
      const args = {
        resources: stackResources(records),
        stackTags,
        getConfig: <T extends object>() => settings as T,
      };
      try {
        await (policy as StackValidationPolicy).validateStack(
          {
            ...args,
            notApplicable: (reason?: string) => {
              throw new NotApplicable(reason);
            },
          },
          report(),
        );
      } catch (error) {
        outcome(policy, error, out);
      }
      continue;
    }
    const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
    for (const record of records) {
      for (const validate of validations) {
        try {
          await validate(resourceArgs(record, settings, stackTags), report(urnOf(record)));
        } catch (error) {
          outcome(policy, error, out, urnOf(record));
        }
      }
    }
  }
  return out;
}

/** The whole pack over these resources. */
export const evaluatePack = (records: readonly ResourceRecord[], options?: EvaluateOptions) =>
  evaluatePolicies(allPolicies, records, options);
