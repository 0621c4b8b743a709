import type * as storage from '@pulumi/azure-native/storage';
import type * as web from '@pulumi/azure-native/web';
import type { FunctionRole } from '../../models/deployment';

/**
 * The escape hatch: arguments merged last into the resources this layer creates, passed once at
 * the platform's creation.
 */
export interface AzureOptions {
  storageAccount?: Partial<storage.StorageAccountArgs>;
  functionApp?: Partial<Record<FunctionRole, Partial<web.WebAppArgs>>>;
  /**
   * Shared-key access on the storage account. On by default only because the provider uploads blobs
   * (the model, the registry seed, the packages) with the account key; the functions themselves
   * use their managed identities. Set false when the objects are published another way.
   */
  sharedKeyAccess?: boolean;
  /** Action group ids notified when an alert fires. */
  actionGroups?: string[];
}
