import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING } from '../testing/run';
import { noWildcardPermissions } from './no-wildcard-permissions';

const FIX = 'grant only the actions each function needs, on the resources it needs them for.';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('no-wildcard-permissions', () => {
  itPassesEveryCompliantStack(noWildcardPermissions);

  it("refuses AWS '*' and 'service:*' actions, given as a string or a list, in JSON or as an object", async () => {
    const star = mutate(
      STACKS.aws(),
      'api-access',
      (p) => (p.policy = doc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/*' })),
    );
    expect(await messagesOf(noWildcardPermissions, star)).toEqual([
      `api-access allows every action of *: ${FIX}`,
    ]);
    const service = {
      type: 'aws:iam/policy:Policy',
      name: 'store-admin',
      props: {
        policy: {
          Version: '2012-10-17',
          Statement: { Effect: 'Allow', Action: ['s3:GetObject', 's3:*'], Resource: ['arn:aws:s3:::b'] },
        },
      },
    };
    expect(await messagesOf(noWildcardPermissions, [service])).toEqual([
      `store-admin allows every action of s3:*: ${FIX}`,
    ]);
  });

  it("refuses Resource '*' except for actions AWS grants only on '*', and allows wildcards that deny", async () => {
    const stack = mutate(
      STACKS.aws(),
      'api-access',
      (p) => (p.policy = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' })),
    );
    expect(await messagesOf(noWildcardPermissions, stack)).toEqual([
      `api-access allows s3:GetObject on Resource '*': ${FIX}`,
    ]);
    expect(await messagesOf(noWildcardPermissions, stack, { starResourceActions: ['s3:GetObject'] })).toEqual(
      [],
    );
    const deny = mutate(
      STACKS.aws(),
      'api-access',
      (p) => (p.policy = doc({ Effect: 'Deny', Action: '*', Resource: '*' })),
    );
    expect(await messagesOf(noWildcardPermissions, deny)).toEqual([]);
  });

  it('refuses NotAction in an Allow, inline role policies and broad AWS managed policies', async () => {
    const role = mutate(STACKS.aws(), 'api-role', (p) => {
      p.inlinePolicies = [
        { name: 'all-but', policy: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b' }) },
      ];
      p.managedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    });
    expect(await messagesOf(noWildcardPermissions, role)).toEqual([
      `api-role allows with NotAction or NotResource, which grants all not listed: ${FIX}`,
      `api-role attaches arn:aws:iam::aws:policy/AdministratorAccess: ${FIX}`,
    ]);
    const attached = mutate(
      STACKS.aws(),
      'api-logs-access',
      (p) => (p.policyArn = 'arn:aws:iam::aws:policy/AmazonS3FullAccess'),
    );
    expect(await messagesOf(noWildcardPermissions, attached)).toEqual([
      `api-logs-access attaches arn:aws:iam::aws:policy/AmazonS3FullAccess: ${FIX}`,
    ]);
  });

  it('refuses GCP owner, editor and *.admin roles on the whole project', async () => {
    for (const role of ['roles/owner', 'roles/editor', 'roles/storage.admin']) {
      const stack = mutate(STACKS.gcp(), 'api-metrics', (p) => (p.role = role));
      expect(await messagesOf(noWildcardPermissions, stack)).toEqual([
        `api-metrics grants ${role} on the whole project to serviceAccount:api@hscode-prod.iam.gserviceaccount.com: ${FIX}`,
      ]);
    }
    const policy = {
      type: 'gcp:projects/iAMPolicy:IAMPolicy',
      name: 'project-policy',
      props: {
        project: 'p',
        policyData: JSON.stringify({ bindings: [{ role: 'roles/editor', members: ['group:ml@x.org'] }] }),
      },
    };
    expect(await messagesOf(noWildcardPermissions, [policy])).toEqual([
      `project-policy grants roles/editor on the whole project to group:ml@x.org: ${FIX}`,
    ]);
  });

  it('refuses Azure Owner or Contributor assignments, subscription-wide scopes and wildcard custom roles', async () => {
    const sub = '/subscriptions/00000000-0000-0000-0000-000000000000';
    const owner = `${sub}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`;
    const stack = mutate(STACKS.azure(), 'api-store-access', (p) => {
      p.roleDefinitionId = owner;
      p.scope = sub;
    });
    expect(await messagesOf(noWildcardPermissions, stack)).toEqual([
      `api-store-access assigns the built-in Owner, Contributor or User Access Administrator role ${owner}: ${FIX}`,
      `api-store-access assigns a role on the whole scope ${sub}: ${FIX}`,
    ]);
    const custom = {
      type: 'azure-native:authorization:RoleDefinition',
      name: 'custom',
      props: {
        scope: sub,
        permissions: [
          {
            actions: ['Microsoft.Storage/*'],
            dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
          },
        ],
      },
    };
    expect(await messagesOf(noWildcardPermissions, [custom])).toEqual([
      `custom defines a role with actions 'Microsoft.Storage/*': ${FIX}`,
    ]);
  });

  it('checks what it knows of a policy during a preview and skips the rest', async () => {
    const whole = mutate(STACKS.aws(), 'api-access', (p) => (p.policy = UNKNOWN_STRING));
    expect(await messagesOf(noWildcardPermissions, whole)).toEqual([]);
    const partial = {
      type: 'aws:iam/rolePolicy:RolePolicy',
      name: 'partial',
      props: {
        role: 'r',
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: UNKNOWN_STRING }],
        },
      },
    };
    expect(await messagesOf(noWildcardPermissions, [partial])).toEqual([
      `partial allows every action of s3:*: ${FIX}`,
    ]);
  });
});
