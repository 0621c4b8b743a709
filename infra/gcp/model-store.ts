import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/gcp/storage';
import type { BundleRole } from '../../models/deployment';
import { childName, componentType } from '../components';
import { gcpLabels } from '../naming';
import type { ModelStore, ModelStoreArgs } from '../platform';
import { createInOrder, objectOptions, type StoreObject } from '../publication';
import type { GcpOptions } from './options';

/** BucketObject inputs that carry bytes and metadata: what a create-only object never updates. */
const CONTENT_FIELDS = ['source', 'content', 'contentType', 'metadata', 'detectMd5hash'];

const sourceOf = (source: StoreObject['source']) =>
  'path' in source ? { source: new pulumi.asset.FileAsset(source.path) } : { content: source.text };

/**
 * The Cloud Storage bucket every function shares: uniform access, public access prevented,
 * versioned, in the functions' region (a storage trigger must share its bucket's region).
 */
export class GcpModelStore extends pulumi.ComponentResource implements ModelStore {
  readonly bucket: storage.Bucket;
  readonly storeName: pulumi.Output<string>;
  readonly storeUrl: pulumi.Output<string>;
  readonly consoleUrl: pulumi.Output<string>;
  readonly codeObjects: Readonly<Record<BundleRole, storage.BucketObject>>;

  constructor(
    name: string,
    args: ModelStoreArgs & { project: string; region: string; options: GcpOptions },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('gcp', 'ModelStore'), name, {}, opts);
    const labels = gcpLabels(args.tags);
    this.bucket = new storage.Bucket(
      childName(name, 'bucket'),
      {
        project: args.project,
        location: args.region.toUpperCase(),
        uniformBucketLevelAccess: true,
        publicAccessPrevention: 'enforced',
        versioning: { enabled: true },
        labels,
        ...args.options.bucket,
      },
      { parent: this },
    );
    const bucket = this.bucket.name;
    createInOrder(
      args.objects,
      (object, after: storage.BucketObject[]) =>
        new storage.BucketObject(
          childName(name, object.name),
          {
            bucket,
            name: object.key,
            ...sourceOf(object.source),
            contentType: object.contentType,
            metadata: object.metadata,
          },
          { parent: this, dependsOn: after, ...objectOptions(object.lifecycle, CONTENT_FIELDS) },
        ),
    );
    const code = (role: BundleRole) =>
      new storage.BucketObject(
        childName(name, `code-${role}`),
        {
          bucket,
          name: args.code[role].key,
          source: new pulumi.asset.FileAsset(args.code[role].bundle.path),
          contentType: 'application/zip',
          metadata: args.code[role].metadata,
        },
        { parent: this },
      );
    this.codeObjects = { predict: code('predict'), retrain: code('retrain') };
    this.storeName = bucket;
    this.storeUrl = pulumi.interpolate`gs://${bucket}`;
    this.consoleUrl = pulumi.interpolate`https://console.cloud.google.com/storage/browser/${bucket}?project=${args.project}`;
    this.registerOutputs({ storeName: this.storeName, storeUrl: this.storeUrl, consoleUrl: this.consoleUrl });
  }
}
