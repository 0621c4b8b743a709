import type { Access } from '../spec';

/** IAM's JSON policy grammar, only as much of it as this program writes. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Neutral verbs → S3 actions. `read` also lists keys, but only under the same prefixes. */
export const S3_ACTIONS = {
  read: ['s3:GetObject'],
  list: ['s3:ListBucket'],
  write: ['s3:PutObject'],
  delete: ['s3:DeleteObject'],
} as const;

const objects = (bucketArn: string, prefixes: readonly string[]) => prefixes.map((p) => `${bucketArn}/${p}*`);

/**
 * The store statements for one function, from its row of the permission table: objects only under
 * the listed prefixes, and listing only with those prefixes. No wildcard action, and no resource
 * broader than a prefix.
 */
export function storeStatements(bucketArn: string, access: Access): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (access.read.length > 0) {
    statements.push({
      Sid: 'ReadObjects',
      Effect: 'Allow',
      Action: [...S3_ACTIONS.read],
      Resource: objects(bucketArn, access.read),
    });
    statements.push({
      Sid: 'ListUnderReadPrefixes',
      Effect: 'Allow',
      Action: [...S3_ACTIONS.list],
      Resource: [bucketArn],
      Condition: { StringLike: { 's3:prefix': access.read.map((p) => `${p}*`) } },
    });
  }
  if (access.write.length > 0) {
    statements.push({
      Sid: 'WriteObjects',
      Effect: 'Allow',
      Action: [...S3_ACTIONS.write],
      Resource: objects(bucketArn, access.write),
    });
  }
  if (access.delete.length > 0) {
    statements.push({
      Sid: 'DeleteObjects',
      Effect: 'Allow',
      Action: [...S3_ACTIONS.delete],
      Resource: objects(bucketArn, access.delete),
    });
  }
  return statements;
}

/** Writing to its own log group only (Lambda's basic execution policy grants every log group). */
export const logStatement = (logGroupArn: string): PolicyStatement => ({
  Sid: 'WriteOwnLogs',
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: [`${logGroupArn}:log-stream:*`],
});

export function functionPolicy(bucketArn: string, logGroupArn: string, access: Access): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [...storeStatements(bucketArn, access), logStatement(logGroupArn)],
  };
}

/** A role's trust policy: one AWS service may assume it, on behalf of this account only. */
export const trustPolicy = (service: string, accountId: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
    },
  ],
});
