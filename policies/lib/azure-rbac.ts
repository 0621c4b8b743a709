import { at, indices } from './known';

/** Azure's built-in Owner, Contributor and User Access Administrator role definitions. */
const BROAD_ROLES = [
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  'b24988ac-6180-42a0-ab88-20f7382dd24c',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
];
/** The tenant root, a management group or a whole subscription. */
const BROAD_SCOPE =
  /^(\/|\/subscriptions\/[^/]+\/?|\/providers\/Microsoft\.Management\/managementGroups\/[^/]+\/?)$/i;
/** `*` or a whole resource provider (`Microsoft.Storage/*`). */
const WILDCARD_ACTION = /^(\*|[^/]+\/\*)$/;

/** What an Azure role assignment or role definition grants too broadly, one phrase each. */
export function broadAzureGrants(type: string, props: Record<string, unknown>): string[] {
  const found: string[] = [];
  if (type === 'azure-native:authorization:RoleAssignment') {
    const role = at(props, 'roleDefinitionId');
    const scope = at(props, 'scope');
    if (typeof role === 'string' && BROAD_ROLES.some((id) => role.toLowerCase().endsWith(id))) {
      found.push(`assigns the built-in Owner, Contributor or User Access Administrator role ${role}`);
    }
    if (typeof scope === 'string' && BROAD_SCOPE.test(scope))
      found.push(`assigns a role on the whole scope ${scope}`);
  }
  if (type === 'azure-native:authorization:RoleDefinition') {
    for (const i of indices(at(props, 'permissions'))) {
      for (const key of ['actions', 'dataActions']) {
        for (const j of indices(at(props, 'permissions', i, key))) {
          const action = at(props, 'permissions', i, key, j);
          if (typeof action === 'string' && WILDCARD_ACTION.test(action))
            found.push(`defines a role with ${key} '${action}'`);
        }
      }
    }
  }
  return found;
}
