import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
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

export interface BlobStoreOptions {
  container: ContainerClient;
  /** Keys live under `<prefix>/` in the container; default: the whole container. */
  prefix?: string;
  /** Blobs per listing page; the service's maximum (and default) is 5,000. */
  listPageSize?: number;
}

/** Block size of streamed uploads: two in flight keep memory at a few megabytes whatever the size. */
const STREAM_BLOCK_BYTES = 4 * 1024 * 1024;

interface RestFailure {
  statusCode?: number;
  code?: string;
}
const failureOf = (err: unknown): RestFailure => (typeof err === 'object' && err !== null ? err : {});

/**
 * The object store over an Azure Blob Storage container. Versions are ETags, passed back as
 * `If-Match`; a create sends `If-None-Match: *`. The service decides the race: of writers with
 * the same expected ETag one succeeds; the rest get 412 ConditionNotMet, 409 BlobAlreadyExists
 * (a create that lost) or 404 BlobNotFound (an update of a blob that is gone).
 */
export class AzureBlobObjectStore implements ObjectStore {
  private readonly container: ContainerClient;
  private readonly names: ObjectNames;
  private readonly listPageSize: number;

  constructor(options: BlobStoreOptions) {
    this.container = options.container;
    this.names = new ObjectNames(options.prefix);
    this.listPageSize = options.listPageSize ?? 5000;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const blob = this.container.getBlobClient(this.names.nameOf(key));
    try {
      // One GET: the body and the ETag it returns belong to the same write.
      const response = await blob.download();
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody!) chunks.push(Buffer.from(chunk));
      const body = Buffer.concat(chunks);
      return { body, version: requireEtag(response.etag, blob.name) };
    } catch (err) {
      if (failureOf(err).code === 'BlobNotFound') return undefined;
      throw err;
    }
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<{ version: string }> {
    const blob = this.container.getBlockBlobClient(this.names.nameOf(key));
    const data = bodyBytes(body);
    const { ifVersion } = options;
    const conditions =
      ifVersion === undefined
        ? undefined
        : ifVersion === null
          ? { ifNoneMatch: '*' }
          : { ifMatch: ifVersion };
    try {
      const response = await blob.upload(data, data.byteLength, {
        conditions,
        blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      });
      return { version: requireEtag(response.etag, blob.name) };
    } catch (err) {
      const { statusCode, code } = failureOf(err);
      const lost =
        statusCode === 412 ||
        (ifVersion === null && code === 'BlobAlreadyExists') ||
        (typeof ifVersion === 'string' && code === 'BlobNotFound');
      if (ifVersion !== undefined && lost) {
        throw new PreconditionFailedError(key, ifVersion, await this.versionOf(blob.name));
      }
      throw err;
    }
  }

  async readStream(key: string): Promise<Readable | undefined> {
    const blob = this.container.getBlobClient(this.names.nameOf(key));
    try {
      const response = await blob.download();
      return response.readableStreamBody ? Readable.from(response.readableStreamBody) : Readable.from([]);
    } catch (err) {
      if (failureOf(err).code === 'BlobNotFound') return undefined;
      throw err;
    }
  }

  /**
   * Staged blocks, committed as one list at the end: readers see the old blob until the commit,
   * and a source that fails leaves only uncommitted blocks, which the service discards.
   */
  async writeStream(key: string, source: AsyncIterable<Uint8Array> | Readable): Promise<{ version: string }> {
    const blob = this.container.getBlockBlobClient(this.names.nameOf(key));
    try {
      const response = await blob.uploadStream(
        source instanceof Readable ? source : Readable.from(source),
        STREAM_BLOCK_BYTES,
        2,
        { blobHTTPHeaders: { blobContentType: 'application/octet-stream' } },
      );
      return { version: requireEtag(response.etag, blob.name) };
    } catch (err) {
      // A commit discards every other upload's staged blocks: a concurrent upload got there first.
      if (failureOf(err).code === 'InvalidBlockList') {
        throw new Error(`another upload of ${key} committed first; this one was discarded, write it again`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const names: string[] = [];
    const pages = this.container
      .listBlobsFlat({ prefix: this.names.listPrefixOf(prefix) })
      .byPage({ maxPageSize: this.listPageSize });
    for await (const page of pages) {
      for (const item of page.segment.blobItems) names.push(item.name);
    }
    return this.names.keysOf(names);
  }

  async delete(key: string): Promise<void> {
    await this.container.getBlobClient(this.names.nameOf(key)).deleteIfExists();
  }

  /** The current ETag, read after a lost condition so the error can say what won; null if none. */
  private async versionOf(name: string): Promise<string | null> {
    try {
      return (await this.container.getBlobClient(name).getProperties()).etag ?? null;
    } catch {
      return null;
    }
  }
}

function requireEtag(etag: string | undefined, name: string): string {
  if (!etag) throw new Error(`Azure Blob Storage returned no ETag for ${name}: conditional writes need one`);
  return etag;
}

/**
 * The store at an `https://<account>.blob.core.windows.net/<container>[/prefix]` location (an
 * entry module's store opener). With a connection string (azurite's, or an account key's), that
 * names the endpoint and the key, and must be for the account the URL names; without one,
 * DefaultAzureCredential (managed identity, workload identity, environment, `az login`…).
 */
export function openAzureBlobStore(
  url: string,
  options: { connectionString?: string } = {},
): AzureBlobObjectStore {
  const location = parseStoreUrl(url);
  if (location.kind !== 'azure') {
    throw new StoreUrlError(
      url,
      'the Azure Blob adapter opens https://<account>.blob.core.windows.net locations',
    );
  }
  let service: BlobServiceClient;
  if (options.connectionString) {
    service = BlobServiceClient.fromConnectionString(options.connectionString);
    if (service.accountName !== location.account) {
      throw new Error(
        `the connection string is for storage account "${service.accountName}" but the store URL names "${location.account}": use the URL of the account the connection string opens`,
      );
    }
  } else {
    service = new BlobServiceClient(location.accountUrl, new DefaultAzureCredential());
  }
  return new AzureBlobObjectStore({
    container: service.getContainerClient(location.container),
    prefix: location.prefix,
  });
}
