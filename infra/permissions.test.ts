import { FUNCTION_ROLES } from '../models/deployment';
import { functionPolicy, storeStatements } from './aws/permissions';
import { blobRoleAssignment, BLOB_ACTIONS } from './azure/permissions';
import { GCS_ROLES, storageGrants } from './gcp/permissions';
import { ACCESS, type Access } from './spec';

/** Each cloud's translation of the one permission table, tested without any provider. */

const sample: Access = { read: ['models/', 'audit/'], write: ['audit/'], delete: ['data/rejects/'] };

describe('AWS', () => {
  const arn = 'arn:aws:s3:::bucket';
  test('objects under each prefix for its verb, listing only under the read prefixes', () => {
    expect(storeStatements(arn, sample)).toEqual([
      {
        Sid: 'ReadObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [`${arn}/models/*`, `${arn}/audit/*`],
      },
      {
        Sid: 'ListUnderReadPrefixes',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [arn],
        Condition: { StringLike: { 's3:prefix': ['models/*', 'audit/*'] } },
      },
      { Sid: 'WriteObjects', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${arn}/audit/*`] },
      {
        Sid: 'DeleteObjects',
        Effect: 'Allow',
        Action: ['s3:DeleteObject'],
        Resource: [`${arn}/data/rejects/*`],
      },
    ]);
  });
  test('no verb means no statement; logs only to the function’s own group', () => {
    const policy = functionPolicy(arn, 'arn:aws:logs:r:1:log-group:/aws/lambda/f', {
      read: [],
      write: [],
      delete: [],
    });
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Resource: ['arn:aws:logs:r:1:log-group:/aws/lambda/f:log-stream:*'] }),
    ]);
  });
  test.each(FUNCTION_ROLES)('%s: no wildcard action, no whole-bucket or global resource', (role) => {
    for (const s of functionPolicy(arn, 'arn:aws:logs:r:1:log-group:g', ACCESS[role]).Statement) {
      for (const a of s.Action) expect(a).not.toContain('*');
      for (const r of s.Resource) expect([`${arn}/*`, '*']).not.toContain(r);
    }
  });
});

describe('GCP', () => {
  test('read and write are conditioned on exactly their prefixes, listing included', () => {
    const grants = storageGrants('bkt', 'api', sample);
    expect(grants.map((g) => [g.verb, g.role])).toEqual([
      ['read', GCS_ROLES.read],
      ['write', GCS_ROLES.write],
      ['delete', GCS_ROLES.delete],
    ]);
    expect(grants[0]?.expression).toBe(
      "resource.name.startsWith('projects/_/buckets/bkt/objects/models/') || resource.name.startsWith('projects/_/buckets/bkt/objects/audit/') || " +
        "api.getAttribute('storage.googleapis.com/objectListPrefix', '').startsWith('models/') || api.getAttribute('storage.googleapis.com/objectListPrefix', '').startsWith('audit/')",
    );
  });
  test('a verb with no prefixes grants nothing', () => {
    expect(storageGrants('b', 'r', { read: ['x/'], write: [], delete: [] }).map((g) => g.verb)).toEqual([
      'read',
    ]);
  });
});

describe('Azure', () => {
  test('a reader gets the Reader role; every action it has is limited to its prefixes', () => {
    const a = blobRoleAssignment({ read: ['models/'], write: [], delete: [] });
    expect(a.role).toBe('blobDataReader');
    expect(a.condition).toContain(
      `!(ActionMatches{'${BLOB_ACTIONS.read}'} AND NOT SubOperationMatches{'Blob.List'})`,
    );
    expect(a.condition).toContain(
      "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'models/'",
    );
    expect(a.condition).toContain(
      "@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] StringStartsWith 'models/'",
    );
  });
  test('a writer gets Contributor, with writes and deletes limited to their own prefixes', () => {
    const a = blobRoleAssignment({ read: ['models/'], write: ['audit/'], delete: [] });
    expect(a.role).toBe('blobDataContributor');
    const clauses = a.condition.split('\nAND\n');
    expect(clauses).toHaveLength(4);
    expect(clauses[2]).toContain(
      "ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'}",
    );
    expect(clauses[2]).toContain("StringStartsWith 'audit/'");
    expect(clauses[2]).not.toContain("'models/'");
    // Nothing may be deleted: the delete clause allows no path.
    expect(clauses[3]).toContain('false');
  });
});
