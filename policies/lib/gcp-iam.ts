import { at, indices, known, parseJson } from './known';

/** GCP principals that stand for anyone on the internet, signed in or not. */
export const PUBLIC_MEMBERS: readonly string[] = ['allUsers', 'allAuthenticatedUsers'];

export interface Grant {
  role: string | undefined;
  member: string;
}

/**
 * The grants a GCP IAM resource makes, whichever of the three shapes it has: an IAM member
 * (`role`, `member`), an IAM binding (`role`, `members`) or an IAM policy (`policyData`, JSON of
 * `bindings`). Members and roles not known yet are left out.
 */
export function grantsOf(props: Record<string, unknown>): Grant[] {
  const role = at(props, 'role');
  const roleText = typeof role === 'string' ? role : undefined;
  const member = at(props, 'member');
  if (typeof member === 'string') return [{ role: roleText, member }];
  const members = at(props, 'members');
  if (Array.isArray(members)) {
    return indices(members)
      .map((i) => at(props, 'members', i))
      .filter((m): m is string => typeof m === 'string')
      .map((m) => ({ role: roleText, member: m }));
  }
  const policyData = known(() => props.policyData);
  if (typeof policyData !== 'string') return [];
  const bindings =
    (parseJson(policyData) as { bindings?: { role?: string; members?: string[] }[] } | undefined)?.bindings ??
    [];
  return bindings.flatMap((b) => (b.members ?? []).map((m) => ({ role: b.role, member: m })));
}

/** The members of a GCP IAM resource that make something public. */
export const publicGrants = (props: Record<string, unknown>): Grant[] =>
  grantsOf(props).filter((g) => PUBLIC_MEMBERS.includes(g.member));

const PROJECT_IAM_TYPES = [
  'gcp:projects/iAMMember:IAMMember',
  'gcp:projects/iAMBinding:IAMBinding',
  'gcp:projects/iAMPolicy:IAMPolicy',
];
const BROAD_ROLE = /^roles\/(owner|editor|[\w.]+\.admin)$/;

/** What a GCP project-level IAM resource grants too broadly, one phrase each. */
export function broadGcpGrants(type: string, props: Record<string, unknown>): string[] {
  if (!PROJECT_IAM_TYPES.includes(type)) return [];
  return grantsOf(props)
    .filter(({ role }) => role !== undefined && BROAD_ROLE.test(role))
    .map(({ role, member }) => `grants ${role} on the whole project to ${member}`);
}
