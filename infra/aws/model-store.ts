import * as pulumi from '@pulumi/pulumi';
import * as s3 from '@pulumi/aws/s3';
import type { BundleRole } from '../../models/deployment';
import { childName, componentType } from '../components';
import type { ModelStore, ModelStoreArgs } from '../platform';
import { createInOrder, objectOptions, type StoreObject } from '../publication';
import type { AwsOptions } from './options';

/** S3 object inputs that carry bytes and metadata: what a create-only object never updates. */
const CONTENT_FIELDS = ['source', 'content', 'contentType', 'metadata', 'tags', 'etag', 'sourceHash'];

const sourceOf = (source: StoreObject['source']) =>
  'path' in source ? { source: new pulumi.asset.FileAsset(source.path) } : { content: source.text };

/**
 * The S3 bucket every function shares: versioned, encrypted, public access blocked, owner-enforced,
 * TLS only; the model, the registry seed and the function bundles inside it.
 */
export class AwsModelStore extends pulumi.ComponentResource implements ModelStore {
  readonly bucket: s3.Bucket;
  readonly storeName: pulumi.Output<string>;
  readonly storeUrl: pulumi.Output<string>;
  readonly consoleUrl: pulumi.Output<string>;
  /** The bundles' objects, `functions/<sha256>.zip`, one per bundle role. */
  readonly codeObjects: Readonly<Record<BundleRole, s3.BucketObjectv2>>;

  constructor(
    name: string,
    args: ModelStoreArgs & { region: string; options: AwsOptions },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('aws', 'ModelStore'), name, {}, opts);
    const parent = { parent: this };
    const tags = { ...args.tags };

    this.bucket = new s3.Bucket(childName(name, 'bucket'), { tags, ...args.options.bucket }, parent);
    const bucket = this.bucket.id;
    const versioning = new s3.BucketVersioning(
      childName(name, 'versioning'),
      { bucket, versioningConfiguration: { status: 'Enabled' } },
      parent,
    );
    new s3.BucketServerSideEncryptionConfiguration(
      childName(name, 'encryption'),
      {
        bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
      },
      parent,
    );
    const publicAccess = new s3.BucketPublicAccessBlock(
      childName(name, 'public-access'),
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new s3.BucketOwnershipControls(
      childName(name, 'ownership'),
      { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } },
      parent,
    );
    new s3.BucketPolicy(
      childName(name, 'tls-only'),
      {
        bucket,
        policy: this.bucket.arn.apply((arn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                // A deny of every action over plain HTTP: the one place a wildcard is a restriction.
                Sid: 'DenyInsecureTransport',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          }),
        ),
      },
      // A bucket policy is refused while the public access block is being applied.
      { parent: this, dependsOn: [publicAccess] },
    );

    // Objects after versioning, so every published object has a version id from the start.
    const objectParent = { parent: this, dependsOn: [versioning] };
    createInOrder(
      args.objects,
      (object, after: s3.BucketObjectv2[]) =>
        new s3.BucketObjectv2(
          childName(name, object.name),
          {
            bucket,
            key: object.key,
            ...sourceOf(object.source),
            contentType: object.contentType,
            metadata: object.metadata,
            tags,
          },
          {
            ...objectParent,
            dependsOn: [versioning, ...after],
            ...objectOptions(object.lifecycle, CONTENT_FIELDS),
          },
        ),
    );
    const code = (role: BundleRole) =>
      new s3.BucketObjectv2(
        childName(name, `code-${role}`),
        {
          bucket,
          key: args.code[role].key,
          source: new pulumi.asset.FileAsset(args.code[role].bundle.path),
          contentType: 'application/zip',
          metadata: args.code[role].metadata,
          tags,
        },
        objectParent,
      );
    this.codeObjects = { predict: code('predict'), retrain: code('retrain') };

    this.storeName = this.bucket.bucket;
    this.storeUrl = pulumi.interpolate`s3://${this.bucket.bucket}`;
    this.consoleUrl = pulumi.interpolate`https://s3.console.aws.amazon.com/s3/buckets/${this.bucket.bucket}?region=${args.region}`;
    this.registerOutputs({ storeName: this.storeName, storeUrl: this.storeUrl, consoleUrl: this.consoleUrl });
  }
}
