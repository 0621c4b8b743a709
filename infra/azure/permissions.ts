import type { Access } from '../spec';

/** Built-in role definitions (the same id in every tenant). Never Owner or Contributor. */
export const ROLE_DEFINITIONS = {
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
} as const;

export const roleDefinitionId = (subscription: string, role: keyof typeof ROLE_DEFINITIONS) =>
  `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_DEFINITIONS[role]}`;

const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
export const BLOB_ACTIONS = {
  read: `${BLOBS}/read`,
  write: [`${BLOBS}/write`, `${BLOBS}/add/action`],
  delete: `${BLOBS}/delete`,
} as const;

const pathIn = (prefixes: readonly string[]) =>
  prefixes.length === 0
    ? 'false'
    : prefixes.map((p) => `@Resource[${BLOBS}:path] StringStartsWith '${p}'`).join(' OR ');
const listIn = (prefixes: readonly string[]) =>
  prefixes.length === 0
    ? 'false'
    : prefixes.map((p) => `@Request[${BLOBS}:prefix] StringStartsWith '${p}'`).join(' OR ');

/** "This action is allowed only where `allowed` holds" in Azure's ABAC grammar. */
const only = (actionMatch: string, allowed: string) =>
  `(\n (\n  !(${actionMatch})\n )\n OR\n (\n  ${allowed}\n )\n)`;

export interface BlobRoleAssignment {
  role: keyof typeof ROLE_DEFINITIONS;
  /** ABAC condition (version 2.0) narrowing the role to the function's prefixes. */
  condition: string;
}

/**
 * A function's row of the permission table as one role assignment on the store container: Reader
 * when it only reads, Contributor when it writes; either way a condition limits every blob action
 * to the prefixes the table gives that verb (listing to the read prefixes).
 */
export function blobRoleAssignment(access: Access): BlobRoleAssignment {
  const reads = [
    only(
      `ActionMatches{'${BLOB_ACTIONS.read}'} AND NOT SubOperationMatches{'Blob.List'}`,
      pathIn(access.read),
    ),
    only(`ActionMatches{'${BLOB_ACTIONS.read}'} AND SubOperationMatches{'Blob.List'}`, listIn(access.read)),
  ];
  if (access.write.length === 0 && access.delete.length === 0) {
    return { role: 'blobDataReader', condition: reads.join('\nAND\n') };
  }
  const writes = [
    only(BLOB_ACTIONS.write.map((a) => `ActionMatches{'${a}'}`).join(' OR '), pathIn(access.write)),
    only(`ActionMatches{'${BLOB_ACTIONS.delete}'}`, pathIn(access.delete)),
  ];
  return { role: 'blobDataContributor', condition: [...reads, ...writes].join('\nAND\n') };
}
