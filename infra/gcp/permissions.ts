import type { Access } from '../spec';

/**
 * Neutral verbs → Cloud Storage roles, each narrowed by an IAM condition to the function's
 * prefixes. `write` maps to objectUser, not objectCreator: Cloud Storage needs
 * `storage.objects.delete` to replace an existing object (the registry's state, conditional on its
 * generation), so on GCP "write" can also delete within the same prefixes, never outside them.
 */
export const GCS_ROLES = {
  read: 'roles/storage.objectViewer',
  write: 'roles/storage.objectUser',
  delete: 'roles/storage.objectUser',
} as const;

export interface ConditionalGrant {
  verb: keyof Access;
  role: string;
  title: string;
  expression: string;
}

const objectsUnder = (bucket: string, prefixes: readonly string[]) =>
  prefixes.map((p) => `resource.name.startsWith('projects/_/buckets/${bucket}/objects/${p}')`);

/** Listing is checked on the bucket; the requested prefix is what the condition can see. */
const listingUnder = (prefixes: readonly string[]) =>
  prefixes.map((p) => `api.getAttribute('storage.googleapis.com/objectListPrefix', '').startsWith('${p}')`);

export function storageGrants(bucket: string, role: string, access: Access): ConditionalGrant[] {
  const grants: ConditionalGrant[] = [];
  if (access.read.length > 0) {
    grants.push({
      verb: 'read',
      role: GCS_ROLES.read,
      title: `${role} reads its prefixes`,
      expression: [...objectsUnder(bucket, access.read), ...listingUnder(access.read)].join(' || '),
    });
  }
  for (const verb of ['write', 'delete'] as const) {
    if (access[verb].length === 0) continue;
    grants.push({
      verb,
      role: GCS_ROLES[verb],
      title: `${role} ${verb}s under its prefixes`,
      expression: [...objectsUnder(bucket, access[verb]), ...listingUnder(access[verb])].join(' || '),
    });
  }
  return grants;
}
