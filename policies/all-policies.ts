import type { Policies } from '@pulumi/policy';
import { functionCodeContentAddressed } from './rules/function-code-content-addressed';
import { functionLogGroup } from './rules/function-log-group';
import { functionResourceBounds } from './rules/function-resource-bounds';
import { functionRuntimePinned } from './rules/function-runtime-pinned';
import { functionTracing } from './rules/function-tracing';
import { logRetention } from './rules/log-retention';
import { manifestLineage } from './rules/manifest-lineage';
import { modelPinned } from './rules/model-pinned';
import { noAnonymousInvoke } from './rules/no-anonymous-invoke';
import { noWildcardPermissions } from './rules/no-wildcard-permissions';
import { requiredTags } from './rules/required-tags';
import { storageEncrypted } from './rules/storage-encrypted';
import { storageNotPublic } from './rules/storage-not-public';
import { storeVersioned } from './rules/store-versioned';
import { tlsInTransit } from './rules/tls-in-transit';

/** Every policy of the pack: audit, then security, then reproducibility. */
export const allPolicies: Policies = [
  // audit
  requiredTags,
  logRetention,
  functionLogGroup,
  functionTracing,
  storeVersioned,
  // security
  storageEncrypted,
  storageNotPublic,
  noAnonymousInvoke,
  noWildcardPermissions,
  tlsInTransit,
  // reproducibility
  modelPinned,
  manifestLineage,
  functionCodeContentAddressed,
  functionRuntimePinned,
  functionResourceBounds,
];
