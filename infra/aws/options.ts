import type * as lambda from '@pulumi/aws/lambda';
import type * as s3 from '@pulumi/aws/s3';
import type { FunctionRole } from '../../models/deployment';

/**
 * The escape hatch: arguments merged last into the resources this layer creates, for what the
 * narrow interface does not model (KMS keys, VPC access, alarm actions…). Passed once, at the
 * platform's creation; nothing fills it in later.
 */
export interface AwsOptions {
  bucket?: Partial<s3.BucketArgs>;
  lambda?: Partial<Record<FunctionRole, Partial<lambda.FunctionArgs>>>;
  /** SNS topic ARNs notified when an alarm fires. */
  alarmActions?: string[];
}
