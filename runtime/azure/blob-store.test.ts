import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { describeObjectStoreContract } from '../../tests/contract/object-store-contract';
import { describeStreamingContract } from '../store/contract/streaming-contract';
import { describeWhenConfigured } from '../../tests/contract/real-cloud';
import { AZURITE_ACCOUNT, startAzurite, type AzuriteStandin } from '../../tests/standins/azurite';
import { PreconditionFailedError } from '../store/object-store';
import { openStore } from '../store/open-store';
import { AzureBlobObjectStore } from './blob-store';

/** A container client aimed where nothing listens, signed like azurite's. */
const unreachableContainer = (connectionString: string) =>
  BlobServiceClient.fromConnectionString(
    connectionString.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=http://127.0.0.1:1/${AZURITE_ACCOUNT}`),
    { retryOptions: { maxTries: 1 } },
  ).getContainerClient('unreachable');

describe('AzureBlobObjectStore against azurite', () => {
  let azurite: AzuriteStandin;
  let container: ContainerClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'hscode-test',
    );
    await container.create();
  });
  afterAll(() => azurite.close());

  describeObjectStoreContract('Azure Blob (azurite)', () => ({
    // Listing pages of 1,000 here, so the contract's 1,050 keys cross a page as 5,001 would by default.
    open: (namespace) => new AzureBlobObjectStore({ container, prefix: namespace, listPageSize: 1000 }),
    unreachable: () =>
      new AzureBlobObjectStore({ container: unreachableContainer(azurite.connectionString) }),
  }));

  let streams = 0;
  describeStreamingContract('Azure Blob (azurite)', () => {
    return new AzureBlobObjectStore({ container, prefix: `streaming-${streams++}` });
  });

  it('is what openStore opens for an account URL with a connection string, which must name the same account', async () => {
    const url = `https://${AZURITE_ACCOUNT}.blob.core.windows.net/hscode-test/opened/here`;
    const store = await openStore(url, { azureConnectionString: azurite.connectionString });
    expect(store).toBeInstanceOf(AzureBlobObjectStore);
    await store.put('k', 'v', { ifVersion: null });
    expect(await new AzureBlobObjectStore({ container, prefix: 'opened/here' }).list('')).toEqual(['k']);
    await expect(
      openStore('https://otheraccount.blob.core.windows.net/hscode-test', {
        azureConnectionString: azurite.connectionString,
      }),
    ).rejects.toThrow(
      /connection string is for storage account "devstoreaccount1" but the store URL names "otheraccount"/,
    );
  });

  it('fails loudly for a container that does not exist, even on a conditional write', async () => {
    const missing = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'no-such',
    );
    const store = new AzureBlobObjectStore({ container: missing });
    await expect(store.get('k')).rejects.toMatchObject({ code: 'ContainerNotFound' });
    await expect(store.put('k', 'x', { ifVersion: '"0x1"' })).rejects.not.toBeInstanceOf(
      PreconditionFailedError,
    );
  });
});

describeWhenConfigured('Azure Blob Storage', ['HSCODE_TEST_AZURE_CONTAINER_URL'], (env) => {
  const root = `${env.HSCODE_TEST_AZURE_CONTAINER_URL!.replace(/\/$/, '')}/${env.HSCODE_TEST_AZURE_PREFIX ?? 'hscode-contract'}`;
  describeObjectStoreContract(root, () => ({
    open: (namespace) => openStore(`${root}/${namespace}`),
    unreachable: () =>
      new AzureBlobObjectStore({
        container: new BlobServiceClient('http://127.0.0.1:1/account', undefined, {
          retryOptions: { maxTries: 1 },
        }).getContainerClient('unreachable'),
      }),
    cleanUp: true,
  }));
});
