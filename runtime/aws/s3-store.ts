import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { bodyBytes } from '../store/body-bytes';
import { ObjectNames } from '../store/object-names';
import {
  PreconditionFailedError,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from '../store/object-store';
import { parseStoreUrl, StoreUrlError } from '../store/store-url';

export interface S3StoreOptions {
  bucket: string;
  /** Keys live under `<prefix>/` in the bucket; default: the whole bucket. */
  prefix?: string;
  /** Default: a client from the SDK's default chain (region, credentials, AWS_ENDPOINT_URL_S3). */
  client?: S3Client;
  /**
   * How many times a write S3 answers with 409 ConditionalRequestConflict (another operation on
   * the key got in the way; S3 says to retry) is sent again before the error is passed on.
   */
  conflictRetries?: number;
}

interface ServiceError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}
const statusOf = (err: unknown) => (err as ServiceError)?.$metadata?.httpStatusCode;
const nameOf = (err: unknown) => (err as ServiceError)?.name;
/** A missing object, not a missing bucket (which must fail loudly, never read as "no object"). */
const isMissingObject = (err: unknown) =>
  nameOf(err) === 'NoSuchKey' || (statusOf(err) === 404 && nameOf(err) === 'NotFound');

/**
 * The object store over an S3 bucket. Versions are ETags, passed back as `If-Match`; a create
 * sends `If-None-Match: *`. S3 decides the race: of writers with the same expected version,
 * one gets 200 and the rest 412 PreconditionFailed (404 NoSuchKey when the object is gone).
 */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly names: ObjectNames;
  private readonly conflictRetries: number;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.names = new ObjectNames(options.prefix);
    this.client = options.client ?? new S3Client({ followRegionRedirects: true });
    this.conflictRetries = options.conflictRetries ?? 3;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const name = this.names.nameOf(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: name }));
      const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      return { body, version: requireEtag(out.ETag, name) };
    } catch (err) {
      if (isMissingObject(err)) return undefined;
      throw err;
    }
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<{ version: string }> {
    const name = this.names.nameOf(key);
    const { ifVersion } = options;
    const condition =
      ifVersion === undefined ? {} : ifVersion === null ? { IfNoneMatch: '*' } : { IfMatch: ifVersion };
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: name,
      Body: bodyBytes(body),
      ...condition,
    });
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.client.send(command);
        return { version: requireEtag(out.ETag, name) };
      } catch (err) {
        const lost = statusOf(err) === 412 || (typeof ifVersion === 'string' && isMissingObject(err));
        if (ifVersion !== undefined && lost) {
          throw new PreconditionFailedError(key, ifVersion, await this.versionOf(name));
        }
        if (nameOf(err) !== 'ConditionalRequestConflict' || attempt >= this.conflictRetries) throw err;
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
    }
  }

  async readStream(key: string): Promise<Readable | undefined> {
    const name = this.names.nameOf(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: name }));
      return out.Body instanceof Readable ? out.Body : Readable.from([]);
    } catch (err) {
      if (isMissingObject(err)) return undefined;
      throw err;
    }
  }

  /**
   * A multipart upload of a body of any length, a part at a time: S3 makes the object visible
   * only when the upload completes, and a failed source aborts it, leaving the old object.
   */
  async writeStream(key: string, source: AsyncIterable<Uint8Array> | Readable): Promise<{ version: string }> {
    const name = this.names.nameOf(key);
    const body = source instanceof Readable ? source : Readable.from(source);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: name, Body: body },
      queueSize: 2,
      leavePartsOnError: false,
    });
    const out = await upload.done();
    return { version: requireEtag(out.ETag, name) };
  }

  async list(prefix: string): Promise<string[]> {
    const namePrefix = this.names.listPrefixOf(prefix);
    const names: string[] = [];
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: namePrefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined) names.push(object.Key);
    }
    return this.names.keysOf(names);
  }

  async delete(key: string): Promise<void> {
    const name = this.names.nameOf(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: name }));
  }

  /** The current ETag, read after a lost condition so the error can say what won; null if none. */
  private async versionOf(name: string): Promise<string | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: name }));
      return out.ETag ?? null;
    } catch {
      return null;
    }
  }
}

function requireEtag(etag: string | undefined, name: string): string {
  if (!etag) throw new Error(`S3 returned no ETag for ${name}: conditional writes need one`);
  return etag;
}

/**
 * The store at an `s3://bucket[/prefix]` location, with the SDK's default credentials chain (an
 * entry module's store opener). `endpoint`: a stand-in's URL (s3rver behind the conditional front,
 * MinIO…), reached path-style.
 */
export function openS3Store(url: string, options: { endpoint?: string } = {}): S3ObjectStore {
  const location = parseStoreUrl(url);
  if (location.kind !== 's3') throw new StoreUrlError(url, 'the S3 adapter opens s3:// locations');
  const client = options.endpoint
    ? new S3Client({
        endpoint: options.endpoint,
        forcePathStyle: true,
        // Stand-ins ignore the region, but the SDK insists on one for signing.
        region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      })
    : new S3Client({ followRegionRedirects: true });
  return new S3ObjectStore({ bucket: location.bucket, prefix: location.prefix, client });
}
