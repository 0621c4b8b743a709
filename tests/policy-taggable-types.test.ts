import { existsSync, readFileSync } from 'node:fs';
import { projectFile } from '../models/paths';
import { PROVIDERS, TAGGABLE_TYPES_FILE, taggableTypes } from '../scripts/taggable-types';

const committed = JSON.parse(readFileSync(projectFile(TAGGABLE_TYPES_FILE), 'utf8')) as Record<
  string,
  string[]
>;
const installed = Object.values(PROVIDERS).every(([pkg]) =>
  existsSync(projectFile(`node_modules/${pkg}/package.json`)),
);

describe("the policy pack's list of taggable resource types", () => {
  it('holds the taggable types the deployment uses, and none of their untaggable companions', () => {
    const has = (cloud: string, type: string) => committed[cloud]!.includes(type);
    for (const type of [
      'aws:lambda/function:Function',
      'aws:s3/bucket:Bucket',
      'aws:cloudwatch/logGroup:LogGroup',
    ]) {
      expect([type, has('aws', type)]).toEqual([type, true]);
    }
    expect(
      has('gcp', 'gcp:cloudfunctionsv2/function:Function') && has('gcp', 'gcp:storage/bucket:Bucket'),
    ).toBe(true);
    expect(
      has('azure', 'azure-native:web:WebApp') && has('azure', 'azure-native:storage:StorageAccount'),
    ).toBe(true);
    expect(has('aws', 'aws:s3/bucketVersioning:BucketVersioning')).toBe(false);
    expect(has('gcp', 'gcp:storage/bucketObject:BucketObject')).toBe(false);
    expect(has('azure', 'azure-native:storage:Blob')).toBe(false);
  });

  // The providers arrive with the Pulumi program; until they are installed there is nothing to compare.
  (installed ? it : it.skip)('is what the installed provider packages generate', () => {
    const fresh =
      taggableTypes(projectFile('node_modules')) === readFileSync(projectFile(TAGGABLE_TYPES_FILE), 'utf8');
    expect(
      fresh
        ? 'up to date'
        : `stale: run "npx tsx scripts/taggable-types.ts" and commit ${TAGGABLE_TYPES_FILE}`,
    ).toBe('up to date');
  });
});
