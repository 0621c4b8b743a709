import type { PolicyResource } from '@pulumi/policy';
import { at, UNKNOWN, type Unknown } from './known';

const CONTAINER_TYPE = 'azure-native:storage:BlobContainer';

/**
 * The blob container a Flex Consumption function app deploys from: the last path segment of
 * `functionAppConfig.deployment.storage.value` (`https://<account>.blob.core.windows.net/<container>`)
 * or, while that URL is unknown, the container the engine recorded it was built from. Undefined
 * when the app names none, UNKNOWN when it cannot be told yet.
 */
export function azureDeploymentContainer(app: PolicyResource): string | undefined | Unknown {
  const url = at(app.props, 'functionAppConfig', 'deployment', 'storage', 'value');
  if (typeof url === 'string') return new URL(url).pathname.split('/').filter(Boolean).pop();
  if (url !== UNKNOWN) return undefined;
  const containers = (app.propertyDependencies?.functionAppConfig ?? []).filter(
    (r) => r.type === CONTAINER_TYPE,
  );
  const name = containers.length === 1 ? at(containers[0]!.props, 'containerName') : UNKNOWN;
  return typeof name === 'string' ? name : UNKNOWN;
}

/** Whether a resource is a blob in the named container; UNKNOWN when its container is not known yet. */
export function inContainer(blob: PolicyResource, container: string | undefined): boolean | Unknown {
  if (blob.type !== 'azure-native:storage:Blob' || container === undefined) return false;
  const from = blob.propertyDependencies?.containerName ?? [];
  if (from.some((r) => at(r.props, 'containerName') === container)) return true;
  const named = at(blob.props, 'containerName');
  return named === UNKNOWN && from.length === 0 ? UNKNOWN : named === container;
}
