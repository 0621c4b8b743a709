import type * as cloudfunctionsv2 from '@pulumi/gcp/cloudfunctionsv2';
import type * as storage from '@pulumi/gcp/storage';
import type { FunctionRole } from '../../models/deployment';

/**
 * The escape hatch: arguments merged last into the resources this layer creates (CMEK, VPC
 * connectors, notification channels…). Passed once, at the platform's creation.
 */
export interface GcpOptions {
  bucket?: Partial<storage.BucketArgs>;
  function?: Partial<Record<FunctionRole, Partial<cloudfunctionsv2.FunctionArgs>>>;
  /** Monitoring notification channel ids alerted when a policy fires. */
  notificationChannels?: string[];
}
