import { Storage, type Bucket, type File, type SaveOptions } from '@google-cloud/storage';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bodyBytes } from '../store/body-bytes';
import { ObjectNames } from '../store/object-names';
import {
  PreconditionFailedError,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from '../store/object-store';
import { parseStoreUrl, StoreUrlError } from '../store/store-url';

export interface GcsStoreOptions {
  bucket: string;
  /** Keys live under `<prefix>/` in the bucket; default: the whole bucket. */
  prefix?: string;
  /** Default: a client with Application Default Credentials. */
  storage?: Storage;
}

const codeOf = (err: unknown) => (err as { code?: unknown })?.code;
/** Errors of a connection that was closed under the request, before any answer. */
const DROPPED_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

/**
 * The object store over a Cloud Storage bucket. Versions are generation numbers, passed back as
 * `ifGenerationMatch`; a create sends `ifGenerationMatch=0` (no live object). Cloud Storage
 * decides the race: of writers with the same expected generation, one succeeds and the rest get
 * 412. Uploads are single multipart requests, not resumable sessions: objects here are at most
 * tens of megabytes, and one request is one round trip.
 */
export class GcsObjectStore implements ObjectStore {
  private readonly bucket: Bucket;
  private readonly names: ObjectNames;

  constructor(options: GcsStoreOptions) {
    this.bucket = (options.storage ?? new Storage()).bucket(options.bucket);
    this.names = new ObjectNames(options.prefix);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const name = this.names.nameOf(key);
    let generation: string | undefined;
    const chunks: Buffer[] = [];
    try {
      // The media download names the generation it served, so body and version always agree.
      const stream = this.bucket.file(name).createReadStream({ validation: 'md5' });
      stream.on('response', (response: { headers: Record<string, string | undefined> }) => {
        generation = response.headers['x-goog-generation'];
      });
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (err) {
      // A missing bucket is a 404 too, and must fail loudly rather than read as "no object".
      if (codeOf(err) === 404 && !/bucket does not exist/i.test(String((err as Error).message)))
        return undefined;
      throw err;
    }
    if (!generation) throw new Error(`Cloud Storage served ${name} without its generation`);
    return { body: Buffer.concat(chunks), version: generation };
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<{ version: string }> {
    const name = this.names.nameOf(key);
    const { ifVersion } = options;
    const file = this.bucket.file(name);
    if (typeof ifVersion === 'string' && !/^[1-9]\d*$/.test(ifVersion)) {
      // Not a generation (a version from another kind of store): it cannot be the current one.
      throw new PreconditionFailedError(key, ifVersion, await this.versionOf(name));
    }
    const data = Buffer.from(bodyBytes(body));
    try {
      await this.saveRetryingDroppedConnection(file, data, ifVersion === undefined, {
        resumable: false,
        contentType: 'application/octet-stream',
        // Cloud Storage checks the MD5 sent with the upload and rejects a corrupted one whole. The
        // client's own check runs after the upload and deletes the object on a mismatch, which
        // here could delete what a concurrent writer has just won.
        validation: false,
        metadata: { md5Hash: createHash('md5').update(data).digest('base64') },
        // Generations are microseconds since the epoch: exact as numbers until the year 2255.
        ...(ifVersion === undefined
          ? {}
          : { preconditionOpts: { ifGenerationMatch: ifVersion === null ? 0 : Number(ifVersion) } }),
      });
    } catch (err) {
      if (ifVersion !== undefined && codeOf(err) === 412) {
        throw new PreconditionFailedError(key, ifVersion, await this.versionOf(name));
      }
      throw err;
    }
    const generation = file.metadata.generation;
    if (generation === undefined) throw new Error(`Cloud Storage stored ${name} without a generation`);
    return { version: String(generation) };
  }

  /**
   * The client retries an upload only when a precondition makes it idempotent. An unconditional
   * put is idempotent too (the same bytes end up there), and it is the one a long, CPU-bound step
   * such as training hits: the connection the client kept open was closed by the server meanwhile.
   * One more attempt on a dropped connection; every other failure is the caller's.
   */
  private async saveRetryingDroppedConnection(
    file: File,
    data: Buffer,
    unconditional: boolean,
    options: SaveOptions,
  ): Promise<void> {
    try {
      await file.save(data, options);
    } catch (err) {
      if (!unconditional || !DROPPED_CONNECTION.has(String(codeOf(err)))) throw err;
      await file.save(data, options);
    }
  }

  async readStream(key: string): Promise<Readable | undefined> {
    const name = this.names.nameOf(key);
    const source = this.bucket.file(name).createReadStream({ validation: 'md5' });
    // The client sends its request only once the stream is read: pipe it into a buffer (which
    // holds back past its high-water mark) and wait for the answer's headers, or the 404.
    const body = new PassThrough();
    const found = new Promise<boolean>((resolve, reject) => {
      source.once('response', (response: { statusCode?: number }) => {
        // A failure's headers come before its error, which tells a missing object from the rest.
        if (response.statusCode === undefined || response.statusCode < 300) resolve(true);
      });
      source.once('error', (err: unknown) => {
        if (codeOf(err) === 404 && !/bucket does not exist/i.test(String((err as Error).message)))
          resolve(false);
        else reject(err);
      });
    });
    pipeline(source, body).catch(() => undefined); // a failure after the headers reaches the reader through `body`
    if (!(await found)) {
      body.destroy();
      return undefined;
    }
    return body;
  }

  /**
   * One upload request whose body is streamed from the source: Cloud Storage makes the object
   * live only when the request completes, and a source that fails aborts it, leaving the old one.
   */
  async writeStream(key: string, source: AsyncIterable<Uint8Array> | Readable): Promise<{ version: string }> {
    const name = this.names.nameOf(key);
    const file = this.bucket.file(name);
    await pipeline(
      source instanceof Readable ? source : Readable.from(source),
      file.createWriteStream({
        resumable: false,
        contentType: 'application/octet-stream',
        validation: false,
      }),
    );
    const generation = file.metadata.generation;
    if (generation === undefined) throw new Error(`Cloud Storage stored ${name} without a generation`);
    return { version: String(generation) };
  }

  async list(prefix: string): Promise<string[]> {
    const [files] = await this.bucket.getFiles({
      prefix: this.names.listPrefixOf(prefix),
      autoPaginate: true,
      fields: 'items(name),nextPageToken',
    });
    return this.names.keysOf(files.map((file) => file.name));
  }

  async delete(key: string): Promise<void> {
    await this.bucket.file(this.names.nameOf(key)).delete({ ignoreNotFound: true });
  }

  /** The live generation, read after a lost condition so the error can say what won; null if none. */
  private async versionOf(name: string): Promise<string | null> {
    try {
      const [metadata] = await this.bucket.file(name).getMetadata();
      return metadata.generation === undefined ? null : String(metadata.generation);
    } catch {
      return null;
    }
  }
}

/**
 * The store at a `gs://bucket[/prefix]` location, with Application Default Credentials (an entry
 * module's store opener). `endpoint`: a stand-in's URL, reached unauthenticated, as the client
 * does for emulators.
 */
export function openGcsStore(url: string, options: { endpoint?: string } = {}): GcsObjectStore {
  const location = parseStoreUrl(url);
  if (location.kind !== 'gcs')
    throw new StoreUrlError(url, 'the Cloud Storage adapter opens gs:// locations');
  const storage = new Storage(options.endpoint ? { apiEndpoint: options.endpoint } : {});
  return new GcsObjectStore({ bucket: location.bucket, prefix: location.prefix, storage });
}
