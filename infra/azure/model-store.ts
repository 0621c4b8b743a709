import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import { BUNDLE_OF, FUNCTION_ROLES, type FunctionRole } from '../../models/deployment';
import { childName, componentType } from '../components';
import { physicalName } from '../naming';
import type { ModelStore, ModelStoreArgs } from '../platform';
import { createInOrder, objectOptions, type StoreObject } from '../publication';
import type { AzureOptions } from './options';

/** Blob inputs that carry bytes and metadata: what a create-only blob never updates. */
const CONTENT_FIELDS = ['source', 'contentType', 'metadata', 'contentMd5'];

export const STORE_CONTAINER = 'store';
/** The Functions host's own containers (locks, keys), created up front so no app needs account-wide rights. */
export const HOST_CONTAINERS = ['azure-webjobs-hosts', 'azure-webjobs-secrets'] as const;

const sourceOf = (source: StoreObject['source']) =>
  'path' in source ? new pulumi.asset.FileAsset(source.path) : new pulumi.asset.StringAsset(source.text);

export interface Deployment {
  container: storage.BlobContainer;
  /** `https://<account>.blob.core.windows.net/<container>`: the function app's deployment storage. */
  containerUrl: pulumi.Output<string>;
  package: storage.Blob;
}

/**
 * A storage account (no public blobs, TLS 1.2, versioned blobs) with the store container every
 * function shares, the host's containers, and one deployment container per function app holding
 * its package `functions/<sha256>.zip`: Flex Consumption reads an app's code from its own container.
 */
export class AzureModelStore extends pulumi.ComponentResource implements ModelStore {
  readonly account: storage.StorageAccount;
  readonly container: storage.BlobContainer;
  readonly hostContainers: storage.BlobContainer[];
  readonly deployments: Readonly<Record<FunctionRole, Deployment>>;
  readonly resourceGroupName: string;
  readonly storeName: pulumi.Output<string>;
  readonly storeUrl: pulumi.Output<string>;
  readonly consoleUrl: pulumi.Output<string>;

  constructor(
    name: string,
    args: ModelStoreArgs & {
      resourceGroup: string;
      location: string;
      subscription: string;
      stack: string;
      options: AzureOptions;
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('azure', 'ModelStore'), name, {}, opts);
    const parent = { parent: this };
    const resourceGroupName = args.resourceGroup;
    this.resourceGroupName = resourceGroupName;
    const tags = { ...args.tags };
    this.account = new storage.StorageAccount(
      childName(name, 'account'),
      {
        resourceGroupName,
        location: args.location,
        accountName: physicalName(
          'azureStorageAccount',
          ['hs', args.stack],
          `${args.subscription}/${resourceGroupName}`,
        ),
        kind: 'StorageV2',
        sku: { name: 'Standard_LRS' },
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: args.options.sharedKeyAccess ?? true,
        minimumTlsVersion: 'TLS1_2',
        enableHttpsTrafficOnly: true,
        tags,
        ...args.options.storageAccount,
      },
      parent,
    );
    const accountName = this.account.name;
    const versioning = new storage.BlobServiceProperties(
      childName(name, 'blob-service'),
      {
        resourceGroupName,
        accountName,
        blobServicesName: 'default',
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true, days: 7 },
      },
      parent,
    );
    const container = (id: string, containerName: string) =>
      new storage.BlobContainer(
        childName(name, id),
        { resourceGroupName, accountName, containerName, publicAccess: 'None' },
        {
          parent: this,
          dependsOn: [versioning],
        },
      );
    const blob = (
      id: string,
      containerName: pulumi.Input<string>,
      object: Omit<StoreObject, 'name'>,
      extra?: pulumi.CustomResourceOptions,
    ) =>
      new storage.Blob(
        childName(name, id),
        {
          resourceGroupName,
          accountName,
          containerName,
          blobName: object.key,
          type: 'Block',
          source: sourceOf(object.source),
          contentType: object.contentType,
          metadata: object.metadata,
        },
        { parent: this, ...extra },
      );

    this.container = container('container', STORE_CONTAINER);
    this.hostContainers = HOST_CONTAINERS.map((c) => container(c, c));
    createInOrder(args.objects, (object, after: storage.Blob[]) =>
      blob(object.name, this.container.name, object, {
        dependsOn: after,
        ...objectOptions(object.lifecycle, CONTENT_FIELDS),
      }),
    );
    const blobEndpoint = this.account.primaryEndpoints.apply((e) => e.blob.replace(/\/$/, ''));
    const deployment = (role: FunctionRole): Deployment => {
      const code = args.code[BUNDLE_OF[role]];
      const deploymentContainer = container(
        `deploy-${role}`,
        physicalName('azureContainer', ['deploy', role]),
      );
      return {
        container: deploymentContainer,
        containerUrl: pulumi.interpolate`${blobEndpoint}/${deploymentContainer.name}`,
        package: blob(`package-${role}`, deploymentContainer.name, {
          key: code.key,
          source: { path: code.bundle.path },
          contentType: 'application/zip',
          metadata: code.metadata,
          lifecycle: 'content-addressed',
        }),
      };
    };
    this.deployments = Object.fromEntries(FUNCTION_ROLES.map((role) => [role, deployment(role)])) as Record<
      FunctionRole,
      Deployment
    >;
    this.storeName = pulumi.interpolate`${accountName}/${this.container.name}`;
    this.storeUrl = pulumi.interpolate`${blobEndpoint}/${this.container.name}`;
    this.consoleUrl = pulumi.interpolate`https://portal.azure.com/#@/resource${this.account.id}/containersList`;
    this.registerOutputs({ storeName: this.storeName, storeUrl: this.storeUrl, consoleUrl: this.consoleUrl });
  }
}
