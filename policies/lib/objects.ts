import type { PolicyResource } from '@pulumi/policy';
import { OBJECT_KINDS, OBJECT_METADATA } from './contract';
import { at } from './known';

/** The object (blob) resource types of each cloud, with the prop that holds the object's name. */
export const OBJECT_NAME_PROP: Readonly<Record<string, string>> = {
  'aws:s3/bucketObjectv2:BucketObjectv2': 'key',
  'aws:s3/bucketObject:BucketObject': 'key',
  'gcp:storage/bucketObject:BucketObject': 'name',
  'azure-native:storage:Blob': 'blobName',
};

export const isObject = (r: PolicyResource): boolean => r.type in OBJECT_NAME_PROP;

/** An object's name (key), undefined when it has none, or UNKNOWN. */
export const objectName = (r: PolicyResource): unknown => at(r.props, OBJECT_NAME_PROP[r.type] ?? '');

/** One metadata value of an object, undefined when absent, or UNKNOWN. */
export const metadata = (r: PolicyResource, key: string): unknown => at(r.props, 'metadata', key);

/** The objects in a stack that declare themselves model manifests. */
export const manifestsOf = (resources: readonly PolicyResource[]): PolicyResource[] =>
  resources.filter((r) => isObject(r) && metadata(r, OBJECT_METADATA.kind) === OBJECT_KINDS.manifest);
