import { at, indices, known, parseJson, UNKNOWN, type Unknown } from './known';

/** One statement of an AWS IAM policy document, with Action and Resource as lists. */
export interface Statement {
  effect: string;
  actions: string[] | Unknown;
  notActions: boolean;
  resources: string[] | Unknown;
  notResources: boolean;
}

const asList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);

/** A JSON copy of a value, or UNKNOWN when any part of it is not known yet. */
const plain = (read: () => unknown): unknown =>
  known(() => {
    const value = read();
    return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
  });

/**
 * The statements of a policy document given as JSON text or as an object (the providers accept
 * both). UNKNOWN when the document itself is not known; a statement's Action or Resource that is
 * not known yet is UNKNOWN on its own, so the rest is still checked.
 */
export function statementsOf(read: () => unknown): Statement[] | Unknown {
  const value = known(read);
  if (value === UNKNOWN || value === undefined || value === null || value === '')
    return value === UNKNOWN ? UNKNOWN : [];
  const doc = parseJson(value) as { Statement?: unknown } | undefined;
  const raw = known(() => doc?.Statement);
  if (raw === UNKNOWN) return UNKNOWN;
  const list = Array.isArray(raw) ? indices(raw).map((i) => () => (raw as unknown[])[i]) : [() => raw];
  return list.map((statement) => {
    const field = (name: string) => plain(() => (statement() as Record<string, unknown> | undefined)?.[name]);
    const action = field('Action');
    const resource = field('Resource');
    return {
      effect: String(field('Effect') ?? 'Allow'),
      actions: action === UNKNOWN ? UNKNOWN : asList(action),
      notActions: field('NotAction') !== undefined,
      resources: resource === UNKNOWN ? UNKNOWN : asList(resource),
      notResources: field('NotResource') !== undefined,
    };
  });
}

/** `*` or a whole service (`s3:*`). */
export const isWildcardAction = (action: string): boolean => action === '*' || /^[\w-]+:\*$/.test(action);

const DOCUMENT_TYPES = [
  'aws:iam/policy:Policy',
  'aws:iam/rolePolicy:RolePolicy',
  'aws:iam/userPolicy:UserPolicy',
  'aws:iam/groupPolicy:GroupPolicy',
];
const BROAD_MANAGED_POLICY =
  /^arn:aws[\w-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|\S*FullAccess)$/;

/** The policy documents an AWS IAM resource carries: its `policy`, or a role's inline policies. */
function documentsOf(type: string, props: Record<string, unknown>): (() => unknown)[] {
  if (DOCUMENT_TYPES.includes(type)) return [() => props.policy];
  if (type !== 'aws:iam/role:Role') return [];
  return indices(at(props, 'inlinePolicies')).map((i) => () => at(props, 'inlinePolicies', i, 'policy'));
}

/**
 * What an AWS IAM resource allows too broadly, one phrase each. `starResourceActions` are the
 * actions AWS grants only on Resource '*' (X-Ray segments, custom metrics).
 */
export function broadAwsGrants(
  type: string,
  props: Record<string, unknown>,
  starResourceActions: string[],
): string[] {
  if (!type.startsWith('aws:iam/')) return [];
  const found: string[] = [];
  for (const statements of documentsOf(type, props).map(statementsOf)) {
    if (statements === UNKNOWN) continue;
    for (const s of statements.filter((statement) => statement.effect === 'Allow')) {
      const actions = s.actions === UNKNOWN ? [] : s.actions;
      const wild = actions.filter(isWildcardAction);
      if (wild.length > 0) found.push(`allows every action of ${wild.join(', ')}`);
      if (s.notActions || s.notResources)
        found.push('allows with NotAction or NotResource, which grants all not listed');
      const notOnlyStarActions =
        s.actions !== UNKNOWN && !actions.every((a) => starResourceActions.includes(a));
      if (s.resources !== UNKNOWN && s.resources.includes('*') && notOnlyStarActions) {
        found.push(`allows ${actions.join(', ') || 'its actions'} on Resource '*'`);
      }
    }
  }
  const arns = [
    at(props, 'policyArn'),
    ...indices(at(props, 'managedPolicyArns')).map((i) => at(props, 'managedPolicyArns', i)),
  ];
  for (const arn of arns) {
    if (typeof arn === 'string' && BROAD_MANAGED_POLICY.test(arn)) found.push(`attaches ${arn}`);
  }
  return found;
}

/**
 * Whether a bucket policy denies every request made without TLS: a Deny statement for everyone
 * (`*`) on every S3 action (`s3:*` or `*`) under `Bool: {aws:SecureTransport: false}`. UNKNOWN
 * while the document is not known.
 */
export function deniesInsecureTransport(read: () => unknown): boolean | Unknown {
  const value = plain(read);
  if (value === UNKNOWN) return UNKNOWN;
  const doc = parseJson(value) as { Statement?: unknown } | null | undefined;
  const statements = asStatements(doc?.Statement);
  return statements.some((s) => {
    const principal = s.Principal === '*' || (s.Principal as { AWS?: unknown } | undefined)?.AWS === '*';
    const everyAction = asList(s.Action).some((a) => a === '*' || a === 's3:*');
    const condition = (s.Condition as { Bool?: Record<string, unknown> } | undefined)?.Bool?.[
      'aws:SecureTransport'
    ];
    return s.Effect === 'Deny' && principal && everyAction && String(condition) === 'false';
  });
}

const asStatements = (value: unknown): Record<string, unknown>[] =>
  (Array.isArray(value) ? value : value ? [value] : []) as Record<string, unknown>[];
